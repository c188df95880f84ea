package io.vigil.queue.domain;

/** A queue's settings and counts, read together for listings (one pipelined round trip per page of queues). */
public record QueueSummary(String name, QueueSettings settings, QueueCounts counts) {
}
