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

    /** Deliveries after which a failing entry is moved to the group's dead-letter stream. */
    @WithDefault("5")
    int maxDeliveries();

    /** How long handled event ids are remembered to drop redeliveries. */
    @WithDefault("24h")
    Duration dedupTtl();
}
