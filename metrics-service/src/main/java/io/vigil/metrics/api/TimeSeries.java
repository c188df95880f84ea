package io.vigil.metrics.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "A metric over time; steps without samples have count 0")
public record TimeSeries(String metric, String step, String service, String endpoint, String method,
        List<SeriesPoint> points) {
}
