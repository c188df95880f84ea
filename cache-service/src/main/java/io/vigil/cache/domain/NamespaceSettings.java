package io.vigil.cache.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vigil.cache.config.CacheServiceConfig.NamespaceDefaults;

/** A namespace's settings; see {@link NamespaceDefaults} for the meaning of each. Stored in Redis as JSON. */
@RegisterForReflection
public record NamespaceSettings(long defaultTtlMs, long maxTtlMs, long l1MaxEntries, long l1MaxWeightBytes,
        boolean compress, String loaderUrl, boolean slidingExpiry, long staleGraceMs, double refreshAheadRatio) {

    public static NamespaceSettings of(NamespaceDefaults d) {
        return new NamespaceSettings(d.defaultTtlMs(), d.maxTtlMs(), d.l1MaxEntries(), d.l1MaxWeightBytes(),
                d.compress(), d.loaderUrl().orElse(null), d.slidingExpiry(), d.staleGraceMs(), d.refreshAheadRatio());
    }

    /** Shown to non-admins: whether a loader is set, not where it points. */
    public NamespaceSettings withoutLoaderUrl() {
        return hasLoader() ? new NamespaceSettings(defaultTtlMs, maxTtlMs, l1MaxEntries, l1MaxWeightBytes, compress,
                "(set; shown to admins only)", slidingExpiry, staleGraceMs, refreshAheadRatio) : this;
    }

    public boolean hasLoader() {
        return loaderUrl != null && !loaderUrl.isBlank();
    }

    /** Sliding namespaces skip L1: every read must reach Redis to extend the TTL there. */
    public boolean usesL1() {
        return l1MaxEntries > 0 && !slidingExpiry;
    }
}
