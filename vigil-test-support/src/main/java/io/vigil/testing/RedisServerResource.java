package io.vigil.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a private redis-server for a {@code @QuarkusTest} and points {@code quarkus.redis.hosts} at it. Tests reach
 * the server through {@link #server()} to kill and restart it. With {@code -Dvigil.test.redis-cluster=true} the same
 * tests run against a private 3-master Redis Cluster instead ({@link #cluster()}; {@link #server()} is then null).
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer current;
    private static volatile RedisCluster cluster;

    public static RedisServer server() {
        return current;
    }

    public static RedisCluster cluster() {
        return cluster;
    }

    /** True when this test run targets Redis Cluster; tests that restart a single server skip themselves then. */
    public static boolean clusterMode() {
        return Boolean.getBoolean("vigil.test.redis-cluster");
    }

    /** The port of the node that holds {@code key}: the single server, or on a cluster the key's master now. */
    public static int portOf(String key) {
        return clusterMode() ? cluster.masterOf(key) : current.port();
    }

    @Override
    public Map<String, String> start() {
        if (clusterMode()) {
            cluster = new RedisCluster().start();
            return Map.of("quarkus.redis.hosts", cluster.hosts(), "quarkus.redis.client-type", "cluster");
        }
        current = new RedisServer(true).start();
        return Map.of("quarkus.redis.hosts", current.url());
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
            current = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
