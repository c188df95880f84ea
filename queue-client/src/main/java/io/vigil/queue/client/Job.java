package io.vigil.queue.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A job to enqueue, as {@code POST /api/v1/queues/{q}/jobs} takes it. {@code payload} is JSON text, stored and leased
 * as sent. Unset fields: {@code null} / 0 (the queue's defaults, priority normal).
 */
public record Job(String payload, String priority, long delayMs, long runAtMs, int maxAttempts, long timeoutMs,
        String idempotencyKey, String group) {

    public Job {
        Objects.requireNonNull(payload, "payload");
    }

    public static Job of(String payloadJson) {
        return new Job(payloadJson, null, 0, 0, 0, 0, null, null);
    }

    /** urgent, high, normal, low or "0".."1000000" (lower runs first). */
    public Job withPriority(String priority) {
        return new Job(payload, priority, delayMs, runAtMs, maxAttempts, timeoutMs, idempotencyKey, group);
    }

    public Job withPriority(int priority) {
        return withPriority(Integer.toString(priority));
    }

    public Job withDelayMs(long delayMs) {
        return new Job(payload, priority, delayMs, runAtMs, maxAttempts, timeoutMs, idempotencyKey, group);
    }

    /** Run no earlier than this; wins over the delay. */
    public Job withRunAt(Instant runAt) {
        return new Job(payload, priority, delayMs, Math.max(1, runAt.toEpochMilli()), maxAttempts, timeoutMs,
                idempotencyKey, group);
    }

    public Job withMaxAttempts(int maxAttempts) {
        return new Job(payload, priority, delayMs, runAtMs, maxAttempts, timeoutMs, idempotencyKey, group);
    }

    public Job withTimeoutMs(long timeoutMs) {
        return new Job(payload, priority, delayMs, runAtMs, maxAttempts, timeoutMs, idempotencyKey, group);
    }

    public Job withIdempotencyKey(String idempotencyKey) {
        return new Job(payload, priority, delayMs, runAtMs, maxAttempts, timeoutMs, idempotencyKey, group);
    }

    public Job withGroup(String group) {
        return new Job(payload, priority, delayMs, runAtMs, maxAttempts, timeoutMs, idempotencyKey, group);
    }
}
