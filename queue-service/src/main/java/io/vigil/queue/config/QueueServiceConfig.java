package io.vigil.queue.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of queue-service; the default queues are declared under {@code vigil.queue.queues.<name>}. */
@ConfigMapping(prefix = "vigil.queue")
public interface QueueServiceConfig {

    /** Largest accepted job payload (serialized JSON) in bytes; larger ones are refused with 413. */
    @WithDefault("262144")
    int maxPayloadBytes();

    /** Largest accepted ack result (serialized JSON) in bytes; larger ones are refused with 413, like payloads. */
    @WithDefault("262144")
    int maxResultBytes();

    /** Most jobs in one batch enqueue, lease or ack request. */
    @WithDefault("1000")
    int maxBatch();

    /** Upper bound of a lease's long-poll wait. */
    @WithDefault("30000")
    long maxLeaseWaitMs();

    /** While a long-poll lease waits, how often it looks again even without a wake-up (other replicas' jobs). */
    @WithDefault("100ms")
    Duration leasePollInterval();

    /** How often delayed jobs are promoted and expired leases reclaimed (the Quarkus scheduler's floor is 1s). */
    @WithDefault("1s")
    Duration sweepInterval();

    /** How often the outbox (events, archive, metrics) is drained; each run empties it in batches of 500. */
    @WithDefault("1s")
    Duration drainInterval();

    /** Whether finished jobs are archived to MongoDB. */
    @WithDefault("true")
    boolean archiveEnabled();

    /** How long finished jobs stay in the MongoDB archive (TTL index; a scheduled purge on the embedded server). */
    @WithDefault("30d")
    Duration archiveRetention();

    /** How often archived jobs past their retention are purged (by one replica; the embedded server has no TTL). */
    @WithDefault("60s")
    Duration archivePurgeInterval();

    /** Settings applied to a queue created without them (by API or by config). */
    QueueDefaults defaults();

    /** Queues that exist from start-up ({@code vigil.queue.queues.<name>.*}), created in Redis if missing. */
    Map<String, QueueDefaults> queues();

    /** Settings of one queue. */
    interface QueueDefaults {
        /** Attempts before a job is dead-lettered. */
        @WithDefault("3")
        int maxAttempts();

        /** Retry backoff: fixed or exponential (with equal jitter). */
        @WithDefault("exponential")
        String backoff();

        /** Base delay of the backoff. */
        @WithDefault("1000")
        long backoffBaseMs();

        /** Largest backoff delay. */
        @WithDefault("300000")
        long backoffCapMs();

        /** Lease length (visibility timeout) unless the job has its own timeout or the worker asks for another. */
        @WithDefault("30000")
        long visibilityMs();

        /** How long completed jobs (and idempotency keys) stay in Redis. */
        @WithDefault("86400000")
        long completedRetentionMs();

        /** How long dead-lettered and cancelled jobs stay in Redis. */
        @WithDefault("604800000")
        long failedRetentionMs();

        /** Jobs leased per rate interval for the whole queue (0 = unlimited). */
        @WithDefault("0")
        int rateMax();

        /** Queue rate window. */
        @WithDefault("1000")
        long rateIntervalMs();

        /** Jobs leased per rate interval per group key, e.g. per tenant (0 = unlimited). */
        @WithDefault("0")
        int groupRateMax();

        /** Group rate window. */
        @WithDefault("1000")
        long groupRateIntervalMs();
    }
}
