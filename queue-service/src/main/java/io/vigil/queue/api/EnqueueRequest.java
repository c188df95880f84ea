package io.vigil.queue.api;

import java.time.Instant;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

@Schema(description = "A job to enqueue")
public record EnqueueRequest(
        @NotNull @Schema(description = "Any JSON, at most vigil.queue.max-payload-bytes (256 KiB) serialized",
                required = true) JsonNode payload,
        @Schema(description = "urgent, high, normal (default), low, or 0..1000000 (lower runs first)",
                examples = "high") String priority,
        @PositiveOrZero @Schema(description = "Run no earlier than this many ms from now") Long delayMs,
        @Schema(description = "Run no earlier than this time (ISO-8601 UTC); wins over delayMs") Instant runAt,
        @Positive @Max(100) @Schema(description = "Attempts before dead-lettering (default: the queue's)")
        Integer maxAttempts,
        @Positive @Max(86_400_000) @Schema(description = "Run timeout: lease length of each attempt of this job")
        Long timeoutMs,
        @Size(min = 1, max = 200) @Schema(description = "Same key within the queue's retention returns the existing job")
        String idempotencyKey,
        @Size(min = 1, max = 200) @Schema(description = "Group key (e.g. tenant) for per-group rate limits")
        String group) {
}
