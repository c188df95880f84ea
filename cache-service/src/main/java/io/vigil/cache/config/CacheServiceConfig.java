package io.vigil.cache.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of cache-service: limits, the namespaces and rate-limit policies that exist from start-up. */
@ConfigMapping(prefix = "vigil.cache")
public interface CacheServiceConfig {

    /** Largest accepted value in bytes (before compression); larger ones are refused with 413. */
    @WithDefault("1048576")
    int maxValueBytes();

    /** Values at least this large are LZ4-compressed in Redis when the namespace compresses. */
    @WithDefault("1024")
    int compressThresholdBytes();

    /**
     * Largest request body other than one value's PUT (bulk put, warm); unset: max-value-bytes × max-batch, capped
     * at an eighth of the heap (see api/BodyLimits).
     */
    Optional<Long> maxBodyBytes();

    /** Most entries in one bulk get, bulk put or key invalidation. */
    @WithDefault("1000")
    int maxBatch();

    /** Approximate length each namespace's invalidation stream is trimmed to (XADD MAXLEN ~). */
    @WithDefault("10000")
    long invalidationStreamLength();

    /** How long the invalidation reader blocks in XREAD before it looks for new namespaces. */
    @WithDefault("500ms")
    Duration invalidationBlock();

    /** Keys per ZSCAN / delete batch of pattern and namespace invalidations. */
    @WithDefault("500")
    int scanBatch();

    /**
     * Longest wait for any Redis call a request or the invalidation reader makes (beyond its XREAD block): a stalled
     * Redis (CLIENT PAUSE, a long script, a slow failover) turns into 503 or a stale L1 answer, not a hung request.
     */
    @WithDefault("1s")
    Duration redisTimeout();

    /** How long a job's progress record stays in Redis after it was last updated. */
    @WithDefault("1h")
    Duration jobRetention();

    /**
     * A running job whose replica has not reported for this long (it beats every few seconds) is marked failed: its
     * replica died, or lost Redis that long.
     */
    @WithDefault("30s")
    Duration jobStaleAfter();

    /** The origin (loader) call: timeout, retries and circuit breaker, per namespace. */
    Loader loader();

    /** Settings of a namespace created without them. */
    NamespaceDefaults defaults();

    /** Namespaces that exist from start-up ({@code vigil.cache.namespaces.<name>.*}). */
    Map<String, NamespaceDefaults> namespaces();

    /** Rate-limit policies from start-up ({@code vigil.cache.ratelimit.<name>.*}); more by admin API. */
    Map<String, Policy> ratelimit();

    interface NamespaceDefaults {
        /** TTL of an entry put without one. */
        @WithDefault("300000")
        long defaultTtlMs();

        /** Largest TTL a caller may ask for. */
        @WithDefault("86400000")
        long maxTtlMs();

        /** Most entries in this replica's L1 (0 = no L1). */
        @WithDefault("10000")
        long l1MaxEntries();

        /** Bound of the L1's total value bytes (0 = bound by entries only). */
        @WithDefault("67108864")
        long l1MaxWeightBytes();

        /** Whether values over the threshold are compressed in Redis. */
        @WithDefault("true")
        boolean compress();

        /** Origin called on a miss: {key} in it is replaced by the URL-encoded key, else /key is appended. */
        Optional<String> loaderUrl();

        /** Sessions: every read extends the entry's TTL (reads then always touch Redis). */
        @WithDefault("false")
        boolean slidingExpiry();

        /** Stale-while-revalidate: how long after expiry the old value is still served while one refresh runs. */
        @WithDefault("0")
        long staleGraceMs();

        /** Refresh-ahead: a hit with less than this fraction of its TTL left triggers a background reload (0 = off). */
        @WithDefault("0")
        double refreshAheadRatio();
    }

    interface Loader {
        /** Time allowed to one origin call. */
        @WithDefault("2s")
        Duration timeout();

        /** Retries of a failed origin call (timeouts and 5xx). */
        @WithDefault("1")
        int maxRetries();

        /** Calls in the breaker's rolling window. */
        @WithDefault("10")
        int breakerVolume();

        /** Failure ratio in that window that opens the breaker. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long an open breaker fails fast before it lets one trial call through. */
        @WithDefault("10s")
        Duration breakerDelay();

        /**
         * Origin calls running at once per namespace (each holds a loader thread). Loads beyond it wait in a queue of
         * {@link #queue()}; beyond that a miss answers 503 with Retry-After at once, so a flood of distinct misses
         * can neither start thousands of threads nor hammer the origin.
         */
        @WithDefault("8")
        int concurrency();

        /** Loads waiting for a loader thread per namespace (see {@link #concurrency()}). */
        @WithDefault("64")
        int queue();

        /** How long this replica remembers that the origin had no value (404) for a key, without asking again. */
        @WithDefault("5s")
        Duration negativeTtl();

        /** How long the single-flight lock is held at most (a crashed loader releases it by expiry). */
        @WithDefault("10s")
        Duration lockTtl();
    }

    interface Policy {
        /** Requests (cost units) allowed per window. */
        long limit();

        /** The window length. */
        @WithDefault("60000")
        long windowMs();

        /** sliding-window (exact log) or gcra (token bucket). */
        @WithDefault("gcra")
        String algorithm();
    }
}
