package io.vigil.queue.domain;

/** A validated job to enqueue; payload is serialized JSON. 0 / "" mean "not set". */
public record NewJob(String idempotencyKey, int priority, long delayMs, long runAtMs, int maxAttempts,
        long timeoutMs, String group, String payload) {
}
