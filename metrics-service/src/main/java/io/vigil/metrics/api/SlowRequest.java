package io.vigil.metrics.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "A recent request above the slow threshold (severity warn > 1 s, critical > 5 s by default)")
public record SlowRequest(String service, String endpoint, String method, int status, double durationMs,
        String timestamp, String instance, String severity) {
}
