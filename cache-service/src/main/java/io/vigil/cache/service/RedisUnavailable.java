package io.vigil.cache.service;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.vigil.cache.store.RedisTimeout;
import io.vigil.common.problem.ProblemException;

/**
 * Redis could not be reached or did not answer in time: 503, reads fall back to L1 where they can. The detail says
 * what a caller may assume: a refused connection changed nothing, but a timeout or a broken connection leaves the
 * outcome of a write unknown (Redis may still apply it).
 */
public final class RedisUnavailable {

    private RedisUnavailable() {
    }

    /** True for failures of the Redis call itself, as opposed to an answer (a ProblemException) about the request. */
    public static boolean is(Throwable t) {
        return !(t instanceof ProblemException);
    }

    public static ProblemException problem(Throwable cause) {
        String detail;
        if (causedBy(cause, RedisTimeout.class) || causedBy(cause, TimeoutException.class)) {
            detail = "Redis did not answer in time (" + cause.getMessage() + "); the outcome is unknown: a write may "
                    + "or may not have been applied. Read the key, or retry (puts and deletes are idempotent)";
        } else if (causedBy(cause, ConnectException.class)) {
            detail = "Redis is unavailable (" + cause.getClass().getSimpleName() + "); nothing was changed, retry "
                    + "later";
        } else {
            detail = "Redis is unavailable (" + cause.getClass().getSimpleName() + "); the outcome is unknown: a "
                    + "write may or may not have been applied. Read the key, or retry (puts and deletes are "
                    + "idempotent)";
        }
        return new RetryLater(detail, 1);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
