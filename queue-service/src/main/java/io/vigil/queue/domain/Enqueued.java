package io.vigil.queue.domain;

/** Outcome of enqueueing one job; duplicate = an earlier job had the same idempotency key. */
public record Enqueued(String id, String state, boolean duplicate) {
}
