package io.vigil.cache.api;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A job's progress; {@code total} is -1 while a pattern scan has not finished. */
public record JobView(String id, String namespace, String kind, String state, long total, long done, long failed,
        String detail, String error, String started, String finished) {

    static JobView of(String ns, String id, Map<String, String> f) {
        return new JobView(id, ns, f.get("kind"), f.get("state"), Long.parseLong(f.getOrDefault("total", "-1")),
                Long.parseLong(f.getOrDefault("done", "0")), Long.parseLong(f.getOrDefault("failed", "0")),
                f.get("detail"), f.get("error"), f.get("started"), f.get("finished"));
    }

    public record Accepted(String id, String namespace, String kind, String poll) {
    }

    @Schema(description = "Recent jobs, newest first; pass nextCursor as cursor for the next page (absent on the "
            + "last); total counts the jobs still kept")
    public record Page(List<JobView> jobs, String nextCursor, int total) {
    }
}
