package io.vigil.cache.api;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import io.vigil.cache.domain.NamespaceSettings;

/** Creates or changes a namespace; absent fields keep their current (or default) value. */
public record NamespaceRequest(
        @Min(1) Long defaultTtlMs,
        @Min(1) Long maxTtlMs,
        @Min(0) @Max(10_000_000) Long l1MaxEntries,
        @Min(0) Long l1MaxWeightBytes,
        Boolean compress,
        @Pattern(regexp = "^(https?://.+)?$", message = "must be an http(s) URL, or empty to remove") String loaderUrl,
        Boolean slidingExpiry,
        @Min(0) Long staleGraceMs,
        @DecimalMin("0") @DecimalMax("0.99") Double refreshAheadRatio) {

    NamespaceSettings applyTo(NamespaceSettings b) {
        NamespaceSettings s = new NamespaceSettings(
                defaultTtlMs != null ? defaultTtlMs : b.defaultTtlMs(),
                maxTtlMs != null ? maxTtlMs : b.maxTtlMs(),
                l1MaxEntries != null ? l1MaxEntries : b.l1MaxEntries(),
                l1MaxWeightBytes != null ? l1MaxWeightBytes : b.l1MaxWeightBytes(),
                compress != null ? compress : b.compress(),
                loaderUrl != null ? (loaderUrl.isEmpty() ? null : loaderUrl) : b.loaderUrl(),
                slidingExpiry != null ? slidingExpiry : b.slidingExpiry(),
                staleGraceMs != null ? staleGraceMs : b.staleGraceMs(),
                refreshAheadRatio != null ? refreshAheadRatio : b.refreshAheadRatio());
        if (s.defaultTtlMs() > s.maxTtlMs()) {
            throw io.vigil.common.problem.ProblemException.invalid("defaultTtlMs", "must not exceed maxTtlMs ("
                    + s.maxTtlMs() + ")");
        }
        return s;
    }
}
