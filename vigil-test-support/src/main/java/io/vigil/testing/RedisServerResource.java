package io.vigil.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a private redis-server for a {@code @QuarkusTest} and points {@code quarkus.redis.hosts} at it. Tests reach
 * the server through {@link #server()} to kill and restart it.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer current;

    public static RedisServer server() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        current = new RedisServer(true).start();
        return Map.of("quarkus.redis.hosts", current.url());
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
        }
    }
}
