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

    /** The live signal: rolling-window percentiles published every interval on vigil:events:metrics.live. */
    Live live();

    interface Live {
        /** Publish the live signal at all. */
        @WithDefault("true")
        boolean enabled();

        /** How often one replica publishes the rolling window of every active series. */
        @WithDefault("250ms")
        Duration interval();

        /** The rolling window: the 10 s buckets overlapping the last this-long (so 10 s to 20 s of data at 10s). */
        @WithDefault("10s")
        Duration window();

        /** The publishing replica's lock lasts this long unrenewed: a dead publisher is replaced after it. */
        @WithDefault("1s")
        Duration lockTtl();

        /** Approximate length cap of vigil:events:metrics.live (it is read live; history is the rollups). */
        @WithDefault("10000")
        long maxLength();
    }

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

        /** Distinct services; further services are folded into service {@code other}. */
        @WithDefault("100")
        int maxServices();

        /** Distinct methods per service; further methods are folded into {@code OTHER}. */
        @WithDefault("20")
        int maxMethodsPerService();

        /** A service, method or endpoint not seen for this long leaves its cap, freeing the slot. */
        @WithDefault("24h")
        java.time.Duration capIdle();
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
