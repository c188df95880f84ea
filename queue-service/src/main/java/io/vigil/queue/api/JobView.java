package io.vigil.queue.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.vigil.queue.store.ArchivedJob;

@Schema(description = "A job and where it is")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String id, String queue, String state, int priority, int attempts, int maxAttempts,
        String group, String idempotencyKey, Instant enqueuedAt, Instant runAt, Instant leasedAt,
        Instant leaseDeadline, Instant finishedAt, String lastError, boolean cancelRequested,
        @JsonRawValue @Schema(implementation = Object.class) String result,
        @JsonRawValue @Schema(implementation = Object.class) String payload) {

    public static JobView of(String queue, Map<String, String> h) {
        String state = h.get("state");
        boolean active = "active".equals(state);
        return new JobView(h.get("id"), queue, state, parseInt(h.get("pri")), parseInt(h.get("att")),
                parseInt(h.get("max")), blank(h.get("group")), blank(h.get("idem")), instant(h.get("created")),
                instant(h.get("due")), instant(h.get("leased")), active ? instant(h.get("deadline")) : null,
                instant(h.get("finished")), blank(h.get("error")), "1".equals(h.get("cancel")),
                blank(h.get("result")), h.get("payload"));
    }

    public static JobView of(ArchivedJob a) {
        return new JobView(a.jobId, a.queue, a.state, a.priority, a.attempts, a.maxAttempts, a.group,
                a.idempotencyKey, a.enqueuedAt, null, a.leasedAt, null, a.finishedAt, a.lastError,
                "cancelled".equals(a.state), a.result, a.payload);
    }

    @Schema(description = "One page; pass nextCursor as cursor for the next (absent on the last page)")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(List<JobView> items, String nextCursor) {
    }

    private static int parseInt(String s) {
        return s == null || s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Instant instant(String ms) {
        return ms == null || ms.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(ms));
    }
}
