package io.vigil.metrics.domain;

/** One request timing, validated. {@code endpoint} is the route template, never the raw path. */
public record Sample(String service, String endpoint, String method, int status, double durationMs, long timestampMs,
        String instance) {

    public String statusClass() {
        return StatusClass.of(status);
    }
}
