package io.vigil.cache.service;

import io.vigil.common.problem.ProblemException;

/**
 * 503 that tells the caller when to come back (Retry-After): a bounded queue (loads of a namespace) is full, or Redis
 * is unavailable or did not answer in time.
 */
public class RetryLater extends ProblemException {

    private final long retryAfterSeconds;

    public RetryLater(String detail, long retryAfterSeconds) {
        super(503, "Service unavailable", detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
