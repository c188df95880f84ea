package io.vigil.common.health;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the readiness probe learns the state of Redis and MongoDB (see {@link Dependencies}). */
@ConfigMapping(prefix = "vigil.readiness")
public interface ReadinessConfig {

    /** How often one background check pings each dependency; the probe itself never opens a round trip. */
    @WithDefault("1s")
    Duration interval();

    /** A ping that has not answered after this long counts as a failure. */
    @WithDefault("1s")
    Duration timeout();

    /** Whether MongoDB is part of readiness (a service that never touches MongoDB can turn it off). */
    @WithDefault("true")
    boolean mongodb();
}
