package io.vigil.common.stream;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Vigil services publish to and consume from Redis Streams. */
@ConfigMapping(prefix = "vigil.streams")
public interface StreamsConfig {

    /** Approximate upper bound of every stream's length (XADD MAXLEN ~). */
    @WithDefault("100000")
    long maxLength();

    /** Name of this instance in consumer groups and event sources; defaults to the host name (the pod name). */
    Optional<String> instance();

    /** Longest time one XREADGROUP call blocks waiting for entries. */
    @WithDefault("2s")
    Duration block();

    /** Entries read per call. */
    @WithDefault("100")
    int batchSize();

    /** An entry pending this long is considered abandoned by a dead consumer and is claimed by another. */
    @WithDefault("30s")
    Duration claimIdle();

    /** How often each consumer looks for abandoned entries. */
    @WithDefault("5s")
    Duration claimInterval();

    /**
     * Deliveries after which a failing entry is moved to the group's dead-letter stream. Deliveries that ended in a
     * dependency outage ({@link FailureClassifier}) or found a copy busy at another member do not count.
     */
    @WithDefault("5")
    int maxDeliveries();

    /** How long handled event ids are remembered to drop redeliveries (at least this long, at most one slice more). */
    @WithDefault("24h")
    Duration dedupTtl();

    /** Handled ids are kept in one Redis SET per slice of this length; a lookup checks every slice of the window. */
    @WithDefault("1h")
    Duration dedupSlice();

    /**
     * How long a member's claim on an event it is handling lasts. A copy of the event at another member waits for
     * it; a claim left by a crashed member blocks the event no longer than this. Longer than any handler should run.
     */
    @WithDefault("60s")
    Duration claimTtl();

    /** First pause before retrying an event whose handler failed because a dependency is down; doubles each retry. */
    @WithDefault("100ms")
    Duration outageBackoffMin();

    /** Longest pause between retries during an outage: once the dependency is back, the event waits at most this. */
    @WithDefault("5s")
    Duration outageBackoffMax();
}
