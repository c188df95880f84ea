package io.vigil.queue.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

@Schema(description = "A recurring job: exactly one of cron (5-field Unix cron, UTC) or everyMs")
public record ScheduleRequest(String cron, @Min(1000) Long everyMs, @NotNull JsonNode payload, String priority,
        @Positive @Max(100) Integer maxAttempts, @Positive Long timeoutMs) {
}
