package io.vigil.metrics.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The documented shape of one sample (the API validates sample by sample, so one bad sample never fails its batch).
 */
@Schema(description = "One request timing")
public record SampleInput(
        @Schema(required = true, example = "orders-api") String service,
        @Schema(required = true, description = "Route template, not the raw path", example = "/orders/{id}") String endpoint,
        @Schema(required = true, example = "GET") String method,
        @Schema(required = true, minimum = "100", maximum = "599", example = "200") int status,
        @Schema(required = true, minimum = "0", example = "42.5") double durationMs,
        @Schema(description = "ISO-8601 UTC or epoch ms; default now; at most vigil.metrics.max-sample-age old",
                example = "2026-01-15T10:30:00Z") String timestamp,
        @Schema(description = "Replica that served the request", example = "orders-api-7d9f") String instance) {
}
