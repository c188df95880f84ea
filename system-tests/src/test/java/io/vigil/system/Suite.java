package io.vigil.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/** The five packaged services as child processes on one real Redis, each with its own in-memory MongoDB. */
public final class Suite implements AutoCloseable {

    public static final List<String> SERVICES = List.of("metrics-service", "health-service", "alert-service",
            "queue-service", "cache-service");

    private final RedisServer redis;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    private Suite(RedisServer redis) {
        this.redis = redis;
    }

    /** Starts Redis (append-only, so a restart keeps what it acknowledged) and every service, ready. */
    public static Suite start() {
        Suite suite = new Suite(new RedisServer(true).start());
        try {
            for (String name : SERVICES) {
                ServiceProcess process = new ServiceProcess(Path.of("..", name),
                        Map.of("quarkus.redis.hosts", suite.redis.url()));
                suite.services.put(name, process.start(Duration.ofSeconds(90)));
            }
            return suite;
        } catch (RuntimeException e) {
            suite.close();
            throw e;
        }
    }

    public RedisServer redis() {
        return redis;
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public Map<String, ServiceProcess> services() {
        return services;
    }

    @Override
    public void close() {
        services.values().forEach(ServiceProcess::close);
        redis.close();
    }
}
