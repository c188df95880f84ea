package io.vigil.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A private redis-server without persistence for one {@code @QuarkusTest} class
 * ({@code @QuarkusTestResource(value = VolatileRedisResource.class, restrictToAnnotatedClass = true)}): it comes
 * back empty after {@link RedisServer#kill()} and {@link RedisServer#start()}, as a Redis without persistence does,
 * and its only clients are the app under test (so a test can kill exactly that app's connections).
 */
public class VolatileRedisResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer server;

    public static RedisServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new RedisServer(false).start();
        return Map.of("quarkus.redis.hosts", server.url());
    }

    @Override
    public void stop() {
        server.close();
        server = null;
    }
}
