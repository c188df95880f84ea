package io.vigil.queue.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.queue.domain.QueueSettings;

@Schema(description = "Queue settings to create or change; absent fields keep their current (or default) value")
public record QueueSettingsRequest(
        @Min(1) @Max(100) Integer maxAttempts,
        @Pattern(regexp = "fixed|exponential") String backoff,
        @PositiveOrZero Long backoffBaseMs,
        @PositiveOrZero Long backoffCapMs,
        @Min(100) @Max(86_400_000) Long visibilityMs,
        @Min(1000) Long completedRetentionMs,
        @Min(1000) Long failedRetentionMs,
        @PositiveOrZero Integer rateMax,
        @Min(1) Long rateIntervalMs,
        @PositiveOrZero Integer groupRateMax,
        @Min(1) Long groupRateIntervalMs,
        Boolean paused) {

    public QueueSettings applyTo(QueueSettings s) {
        return new QueueSettings(or(maxAttempts, s.maxAttempts()), or(backoff, s.backoff()),
                or(backoffBaseMs, s.backoffBaseMs()), or(backoffCapMs, s.backoffCapMs()),
                or(visibilityMs, s.visibilityMs()), or(completedRetentionMs, s.completedRetentionMs()),
                or(failedRetentionMs, s.failedRetentionMs()), or(rateMax, s.rateMax()),
                or(rateIntervalMs, s.rateIntervalMs()), or(groupRateMax, s.groupRateMax()),
                or(groupRateIntervalMs, s.groupRateIntervalMs()), or(paused, s.paused()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
