package io.vigil.metrics.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "All endpoints of one service merged over a window")
public record ServiceSummary(String service, String from, String to, long count, double throughputPerMin,
        long errors4xx, long errors5xx, double errorRate, double p50Ms, double p90Ms, double p95Ms, double p99Ms,
        double maxMs, long slowWarn, long slowCritical, int endpoints, long foldedSamples,
        List<EndpointStats> slowestEndpoints) {
}
