package io.vigil.cache.service;

import io.vigil.common.problem.ProblemException;

/** Redis could not be reached: writes answer 503 (nothing was changed), reads fall back to L1 where they can. */
public final class RedisUnavailable {

    private RedisUnavailable() {
    }

    /** True for failures of the Redis call itself, as opposed to an answer (a ProblemException) about the request. */
    public static boolean is(Throwable t) {
        return !(t instanceof ProblemException);
    }

    public static ProblemException problem(Throwable cause) {
        return new ProblemException(503, "Service unavailable",
                "Redis is unavailable (" + cause.getClass().getSimpleName() + "); nothing was changed, retry later");
    }
}
