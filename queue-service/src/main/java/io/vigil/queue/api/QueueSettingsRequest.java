package io.vigil.queue.api;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Only the fields this request sets, as stored in the queue's meta hash (see {@link QueueSettings#toHash}). */
    public Map<String, String> fields() {
        Map<String, String> all = applyTo(PLACEHOLDER).toHash();
        Map<String, String> out = new LinkedHashMap<>();
        Object[] values = {maxAttempts, backoff, backoffBaseMs, backoffCapMs, visibilityMs, completedRetentionMs,
            failedRetentionMs, rateMax, rateIntervalMs, groupRateMax, groupRateIntervalMs, paused};
        int i = 0;
        for (Map.Entry<String, String> field : all.entrySet()) {
            if (values[i++] != null) {
                out.put(field.getKey(), field.getValue());
            }
        }
        return out;
    }

    /** Any settings: only the fields this request sets are read back from the merge. */
    private static final QueueSettings PLACEHOLDER = new QueueSettings(1, "fixed", 0, 0, 0, 0, 0, 0, 0, 0, 0, false);

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
