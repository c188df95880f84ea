package io.vigil.metrics.config;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of metrics-service (prefix {@code vigil.metrics}). */
@ConfigMapping(prefix = "vigil.metrics")
public interface MetricsConfig {

    /** How long samples are pre-aggregated in memory before one pipelined write to Redis; a batch is acknowledged after it. */
    @WithDefault("100ms")
    Duration flushInterval();

    /** How long after a bucket's end late samples are still awaited before the bucket is closed. */
    @WithDefault("10s")
    Duration lateGrace();

    /** Samples older than this are rejected; it also bounds how long open buckets stay in Redis. */
    @WithDefault("1h")
    Duration maxSampleAge();

    /** Samples further in the future than this (clock skew) are rejected. */
    @WithDefault("1m")
    Duration maxClockSkew();

    /** How often closable buckets are looked for. */
    @WithDefault("1s")
    Duration closeInterval();

    /** A replica that claimed a bucket and died holding it for this long loses it to another replica. */
    @WithDefault("60s")
    Duration closeLease();

    /** Slow-request thresholds. */
    Slow slow();

    /** Retention of persisted rollups (MongoDB TTL indexes plus a scheduled purge). */
    Retention retention();

    /** Prometheus export of the ingested samples. */
    Prometheus prometheus();

    /** The batched reader of the sample ingest stream. */
    Stream stream();

    interface Slow {
        /** A request slower than this (ms) is slow (warn) and kept in the slow-request reservoir. */
        @WithDefault("1000")
        double warnMs();

        /** A request slower than this (ms) is critically slow. */
        @WithDefault("5000")
        double criticalMs();

        /** Most recent slow requests kept per service. */
        @WithDefault("1000")
        int reservoirSize();
    }

    interface Retention {
        /** Raw (10 s) rollups. */
        @WithDefault("24h")
        Duration raw();

        /** 1-minute rollups. */
        @WithDefault("7d")
        Duration minute();

        /** 1-hour rollups. */
        @WithDefault("90d")
        Duration hour();

        /** How often expired rollups are purged (the embedded MongoDB has no TTL monitor). */
        @WithDefault("10m")
        Duration purgeInterval();
    }

    interface Prometheus {
        /** Fixed histogram bucket upper bounds in milliseconds (exported in seconds as {@code le}). */
        @WithDefault("5,10,25,50,100,250,500,1000,2500,5000,10000")
        List<Double> bucketsMs();

        /** Distinct endpoints per service; further endpoints are folded into {@code other} (everywhere, not only here). */
        @WithDefault("200")
        int maxEndpointsPerService();
    }

    interface Stream {
        /** Read the sample ingest stream at all. */
        @WithDefault("true")
        boolean enabled();

        /** Entries per XREADGROUP. */
        @WithDefault("500")
        int batchSize();

        /** Longest block of one XREADGROUP. */
        @WithDefault("1s")
        Duration block();

        /** Entries pending this long (their reader died) are claimed by another reader. */
        @WithDefault("30s")
        Duration claimIdle();

        /** How often abandoned entries are looked for. */
        @WithDefault("5s")
        Duration claimInterval();
    }
}
