package io.vigil.metrics.api;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A business metric update: a counter increment or a gauge value, with labels. */
@Schema(description = "Counter increment (value added) or gauge value (value set) of one labelled series")
public record CustomMetric(
        @NotBlank @Pattern(regexp = "[a-zA-Z_:][a-zA-Z0-9_:]{0,99}", message = "must be a Prometheus metric name")
        @Schema(example = "orders_placed_total") String name,
        @NotNull @Pattern(regexp = "counter|gauge", message = "must be counter or gauge")
        @Schema(enumeration = { "counter", "gauge" }) String type,
        @NotNull @Schema(example = "1") Double value,
        @Size(max = 10, message = "at most 10 labels") @Schema(example = "{\"plan\": \"pro\"}") Map<String, String> labels) {
}
