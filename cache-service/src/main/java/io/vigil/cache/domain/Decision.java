package io.vigil.cache.domain;

/**
 * One rate-limit decision, the five values redis-cell's {@code CL.THROTTLE} returns (in milliseconds here).
 *
 * @param retryAfterMs -1 when allowed, else how long until the same request would be allowed
 * @param resetMs      how long until the subject's quota is full again
 */
public record Decision(boolean limited, long limit, long remaining, long retryAfterMs, long resetMs) {
}
