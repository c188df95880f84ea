package io.vigil.health.domain;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A target as declared (configuration) or saved (API, MongoDB). Missing fields take the configured defaults when the
 * spec is validated into a {@link Target}.
 */
@Schema(description = "A checked target")
@RegisterForReflection
public record TargetSpec(
        @Schema(description = "Unique name: letters, digits, '.', '_' or '-'", example = "orders-api") String name,
        @Schema(description = "http, redis, mongodb, tcp, tls or service", example = "http") String type,
        @Schema(description = "http(s)://..., redis://host:port, mongodb://..., tcp://host:port, tls://host:port, or a service base URL",
                example = "https://orders.example.com/health") String url,
        @Schema(example = "checkout") String group,
        @Schema(description = "HTTP method (http)", example = "GET") String method,
        Map<String, String> headers,
        @Schema(description = "HTTP request body (http)") String body,
        @Schema(description = "Expected HTTP status when no [STATUS] condition is given (default 200)") Integer expectedStatus,
        Boolean followRedirects,
        @Schema(description = "Check interval, at least the configured floor (1 s)", example = "30000") Long intervalMs,
        @Schema(description = "Per-check timeout, below the interval", example = "5000") Long timeoutMs,
        @Schema(description = "Consecutive failing results before the state changes") Integer failureThreshold,
        @Schema(description = "Consecutive passing results before the state recovers") Integer successThreshold,
        @Schema(description = "Gatus-style conditions; a failing one makes the result DOWN",
                example = "[\"[STATUS] == 200\", \"[BODY].status == UP\"]") List<String> conditions,
        @Schema(description = "Conditions whose failure only makes the result DEGRADED", example = "[\"[RESPONSE_TIME] < 300\"]")
        List<String> softConditions,
        @Schema(description = "Parent targets: while one is DOWN this target shows UNREACHABLE and publishes nothing")
        List<String> dependsOn,
        Map<String, String> labels) {

    public TargetSpec withName(String newName) {
        return new TargetSpec(newName, type, url, group, method, headers, body, expectedStatus, followRedirects,
                intervalMs, timeoutMs, failureThreshold, successThreshold, conditions, softConditions, dependsOn, labels);
    }
}
