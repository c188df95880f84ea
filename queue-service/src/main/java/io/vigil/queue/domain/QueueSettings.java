package io.vigil.queue.domain;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.queue.config.QueueServiceConfig.QueueDefaults;

/** The settings of one queue, stored in its Redis meta hash (the scripts read them from there). */
@Schema(description = "Settings of a queue")
public record QueueSettings(
        @Schema(description = "Attempts before dead-lettering", examples = "3") int maxAttempts,
        @Schema(description = "fixed or exponential (with jitter)") String backoff,
        @Schema(description = "Base backoff delay") long backoffBaseMs,
        @Schema(description = "Largest backoff delay") long backoffCapMs,
        @Schema(description = "Lease length (visibility timeout)") long visibilityMs,
        @Schema(description = "How long completed jobs and idempotency keys are kept") long completedRetentionMs,
        @Schema(description = "How long dead and cancelled jobs are kept") long failedRetentionMs,
        @Schema(description = "Jobs leased per rateIntervalMs for the queue, 0 = unlimited") int rateMax,
        long rateIntervalMs,
        @Schema(description = "Jobs leased per groupRateIntervalMs per group key, 0 = unlimited") int groupRateMax,
        long groupRateIntervalMs,
        @Schema(description = "A paused queue accepts jobs but leases none") boolean paused) {

    public static QueueSettings of(QueueDefaults d) {
        return new QueueSettings(d.maxAttempts(), Backoff.parse(d.backoff()).wire(), d.backoffBaseMs(),
                d.backoffCapMs(), d.visibilityMs(), d.completedRetentionMs(), d.failedRetentionMs(), d.rateMax(),
                d.rateIntervalMs(), d.groupRateMax(), d.groupRateIntervalMs(), false);
    }

    public Map<String, String> toHash() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("maxAttempts", Integer.toString(maxAttempts));
        h.put("backoff", backoff);
        h.put("backoffBaseMs", Long.toString(backoffBaseMs));
        h.put("backoffCapMs", Long.toString(backoffCapMs));
        h.put("visibilityMs", Long.toString(visibilityMs));
        h.put("completedRetentionMs", Long.toString(completedRetentionMs));
        h.put("failedRetentionMs", Long.toString(failedRetentionMs));
        h.put("rateMax", Integer.toString(rateMax));
        h.put("rateIntervalMs", Long.toString(rateIntervalMs));
        h.put("groupRateMax", Integer.toString(groupRateMax));
        h.put("groupRateIntervalMs", Long.toString(groupRateIntervalMs));
        h.put("paused", paused ? "1" : "0");
        return h;
    }

    public static QueueSettings fromHash(Map<String, String> h) {
        return new QueueSettings(Integer.parseInt(h.get("maxAttempts")), h.get("backoff"),
                Long.parseLong(h.get("backoffBaseMs")), Long.parseLong(h.get("backoffCapMs")),
                Long.parseLong(h.get("visibilityMs")), Long.parseLong(h.get("completedRetentionMs")),
                Long.parseLong(h.get("failedRetentionMs")), Integer.parseInt(h.get("rateMax")),
                Long.parseLong(h.get("rateIntervalMs")), Integer.parseInt(h.get("groupRateMax")),
                Long.parseLong(h.get("groupRateIntervalMs")), "1".equals(h.get("paused")));
    }
}
