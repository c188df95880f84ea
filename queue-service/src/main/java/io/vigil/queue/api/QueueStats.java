package io.vigil.queue.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.queue.metrics.QueueMetrics.Percentiles;

@Schema(description = "Depth per state, lifetime totals (all replicas), rates over the last minute and "
        + "wait/run percentiles (jobs this replica saw finish in the last 5 minutes)")
public record QueueStats(String queue, Depth depth, long oldestWaitingAgeMs, Totals totals, Rates ratesPerSecond,
        Percentiles waitMs, Percentiles runMs) {

    public record Depth(long waiting, long delayed, long active, long completed, long dead, long cancelled) {
    }

    public record Totals(long enqueued, long completed, long failed, long dead) {
    }

    public record Rates(double enqueued, double completed, double failed) {
    }
}
