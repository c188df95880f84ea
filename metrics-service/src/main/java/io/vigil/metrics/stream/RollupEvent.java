package io.vigil.metrics.stream;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vigil.metrics.domain.Histogram;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey;

/** Payload of {@code metrics.rollup} (version 1): one series in one closed bucket. */
@RegisterForReflection
@Schema(description = "A closed bucket of one series, published on vigil:events:metrics.rollup")
public record RollupEvent(String service, String endpoint, String method, String statusClass, String bucketStart,
        long bucketSeconds, long count, long errors4xx, long errors5xx, double p50Ms, double p90Ms, double p95Ms,
        double p99Ms, double maxMs, long slowWarn, long slowCritical) {

    public static final String TYPE = "metrics.rollup";
    public static final int VERSION = 1;

    public static RollupEvent of(Rollup r) {
        Histogram h = r.histogram();
        return new RollupEvent(r.key().service(), r.key().endpoint(), r.key().method(), r.key().statusClass(),
                java.time.Instant.ofEpochSecond(r.start()).toString(), r.resolution().seconds(), h.count(),
                r.errors4xx(), r.errors5xx(), round(h.percentile(0.50)), round(h.percentile(0.90)),
                round(h.percentile(0.95)), round(h.percentile(0.99)), round(h.maxMs()), r.warn(), r.critical());
    }

    /**
     * The same payload for a rolling window (metrics.live): {@code bucketStart} is the window's start and
     * {@code bucketSeconds} its length.
     */
    public static RollupEvent of(SeriesKey key, Histogram h, long warn, long critical, long windowStart,
            long windowSeconds) {
        long errors4xx = "4xx".equals(key.statusClass()) ? h.count() : 0;
        long errors5xx = "5xx".equals(key.statusClass()) ? h.count() : 0;
        return new RollupEvent(key.service(), key.endpoint(), key.method(), key.statusClass(),
                java.time.Instant.ofEpochSecond(windowStart).toString(), windowSeconds, h.count(), errors4xx,
                errors5xx, round(h.percentile(0.50)), round(h.percentile(0.90)), round(h.percentile(0.95)),
                round(h.percentile(0.99)), round(h.maxMs()), warn, critical);
    }

    static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
