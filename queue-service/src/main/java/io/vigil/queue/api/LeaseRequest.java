package io.vigil.queue.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Lease up to count ready jobs, waiting up to waitMs for one to be ready")
public record LeaseRequest(
        @Min(1) @Max(1000) @Schema(description = "Most jobs to lease (default 1)") Integer count,
        @PositiveOrZero @Max(30000) @Schema(description = "Long-poll wait (default 0)") Long waitMs,
        @Min(100) @Max(86_400_000) @Schema(description = "Lease length (default: the queue's visibilityMs)")
        Long visibilityMs) {
}
