package io.vigil.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vigil.testing.RedisCluster;
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/** The five packaged services as child processes on one real Redis, each with its own in-memory MongoDB. */
public final class Suite implements AutoCloseable {

    public static final List<String> SERVICES = List.of("metrics-service", "health-service", "alert-service",
            "queue-service", "cache-service");

    private final RedisServer redis;
    private final RedisCluster cluster;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    private Suite(RedisServer redis, RedisCluster cluster) {
        this.redis = redis;
        this.cluster = cluster;
    }

    /** Starts Redis (append-only, so a restart keeps what it acknowledged) and every service, ready. */
    public static Suite start() {
        RedisServer redis = new RedisServer(true).start();
        return new Suite(redis, null).startServices(SERVICES, Map.of("quarkus.redis.hosts", redis.url()));
    }

    /** Starts a 3-master Redis Cluster and the named services on it, by configuration alone. */
    public static Suite onCluster(List<String> names) {
        RedisCluster cluster = new RedisCluster().start();
        return new Suite(null, cluster).startServices(names,
                Map.of("quarkus.redis.hosts", cluster.hosts(), "quarkus.redis.client-type", "cluster"));
    }

    private Suite startServices(List<String> names, Map<String, String> redisProperties) {
        try {
            for (String name : names) {
                ServiceProcess process = new ServiceProcess(Path.of("..", name), redisProperties);
                services.put(name, process.start(Duration.ofSeconds(90)));
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public RedisServer redis() {
        return redis;
    }

    public RedisCluster cluster() {
        return cluster;
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
        if (redis != null) {
            redis.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
