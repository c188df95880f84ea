package io.vigil.queue.domain;

/** Depth per state and lifetime counters of a queue, read atomically by stats.lua. */
public record QueueCounts(long waiting, long delayed, long active, long completed, long dead, long cancelled,
        long oldestReadyMs, long nowMs, long enqueuedTotal, long completedTotal, long failedTotal, long deadTotal) {

    public long oldestWaitingAgeMs() {
        return oldestReadyMs == 0 ? 0 : Math.max(0, nowMs - oldestReadyMs);
    }
}
