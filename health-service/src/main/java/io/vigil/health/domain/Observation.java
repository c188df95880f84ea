package io.vigil.health.domain;

/**
 * What one check saw, the input of the conditions.
 *
 * @param status            HTTP status, null when there was no response
 * @param latencyMs         time to the full response (or connect / PING / ping)
 * @param body              response body (first 64 KiB), null when not read
 * @param connected         whether the target answered at all
 * @param certExpiresInMs   time left on the TLS certificate, null when there is none
 * @param error             why the target did not answer, null when it did
 */
public record Observation(Integer status, long latencyMs, String body, boolean connected, Long certExpiresInMs,
        String error) {

    public static Observation failed(long latencyMs, String error) {
        return new Observation(null, latencyMs, null, false, null, error);
    }

    public static Observation connected(long latencyMs) {
        return new Observation(null, latencyMs, null, true, null, null);
    }
}
