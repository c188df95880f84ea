package io.vigil.common.stream;

import java.time.Duration;

/**
 * The pauses between retries of an event while a dependency is down: {@code min}, doubling up to {@code max}, and
 * back to nothing once a handler succeeds. No jitter: the pauses are the lower bound {@link #attemptsWithin} relies on.
 */
final class OutageBackoff {

    private final long minMs;
    private final long maxMs;
    private long nextMs;

    OutageBackoff(Duration min, Duration max) {
        this.minMs = Math.max(1, min.toMillis());
        this.maxMs = Math.max(minMs, max.toMillis());
        this.nextMs = minMs;
    }

    /** The pause before the next retry; each call doubles the following one, up to {@code max}. */
    Duration next() {
        long pause = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return Duration.ofMillis(pause);
    }

    void reset() {
        nextMs = minMs;
    }

    /**
     * The most handler calls an event can get during {@code window} of an unbroken outage (the first call included):
     * every pause lasts at least its nominal length, so the n-th retry cannot happen before the sum of n pauses.
     */
    static long attemptsWithin(Duration min, Duration max, Duration window) {
        OutageBackoff backoff = new OutageBackoff(min, max);
        long attempts = 1;
        long elapsed = 0;
        while ((elapsed += backoff.next().toMillis()) <= window.toMillis()) {
            attempts++;
        }
        return attempts;
    }
}
