package io.vigil.common.redis;

import org.eclipse.microprofile.config.ConfigProvider;

/** Whether this service talks to Redis Cluster ({@code quarkus.redis.client-type=cluster}) or to a single Redis. */
public final class RedisMode {

    private static final boolean CLUSTER = "cluster".equalsIgnoreCase(ConfigProvider.getConfig()
            .getOptionalValue("quarkus.redis.client-type", String.class).orElse("standalone"));

    private RedisMode() {
    }

    public static boolean cluster() {
        return CLUSTER;
    }
}
