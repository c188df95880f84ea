package io.vigil.metrics.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "One point of a time series: the step starting at time")
public record SeriesPoint(String time, double value, long count) {
}
