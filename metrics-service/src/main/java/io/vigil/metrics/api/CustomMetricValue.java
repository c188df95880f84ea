package io.vigil.metrics.api;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Current value of one labelled custom series (counter total or last gauge value)")
public record CustomMetricValue(String name, String type, Map<String, String> labels, double value) {
}
