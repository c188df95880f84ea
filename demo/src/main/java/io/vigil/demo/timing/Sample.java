package io.vigil.demo.timing;

/** One request timing in metrics-service's REST/stream sample format. */
public record Sample(String service, String endpoint, String method, int status, double durationMs, long timestamp) {
}
