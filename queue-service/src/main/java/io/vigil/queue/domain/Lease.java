package io.vigil.queue.domain;

/** One leased job as the lease script returns it. */
public record Lease(String id, String token, long deadlineMs, int attempts, int maxAttempts, int priority,
        String group, long createdMs, String payload) {
}
