package io.vigil.system;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vigil.mongo.embedded.EmbeddedMongo;
import io.vigil.testing.RedisCluster;
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/**
 * The packaged services as child processes on one real Redis (or a Redis Cluster) and one MongoDB wire server (the
 * embedded one, in this JVM), so that what a service stored survives its SIGKILL as it would with a real MongoDB.
 * The services are wired to each other as {@code ./vigil up} wires them: alert-service delivers notifications
 * through queue-service, and health-service checks the other four.
 */
public final class Suite implements AutoCloseable {

    public static final List<String> SERVICES = List.of("metrics-service", "health-service", "alert-service",
            "queue-service", "cache-service");

    private final RedisServer redis;
    private final RedisCluster cluster;
    private final Map<String, List<ServiceProcess>> replicas = new LinkedHashMap<>();
    private final MongoServer mongo = EmbeddedMongo.newServer(new MemoryBackend());
    private final String mongoUrl;
    private Map<String, Map<String, String>> extraProperties = Map.of();

    private Suite(RedisServer redis, RedisCluster cluster) {
        this.redis = redis;
        this.cluster = cluster;
        InetSocketAddress address = mongo.bind();
        this.mongoUrl = "mongodb://127.0.0.1:" + address.getPort();
    }

    /** Starts Redis (append-only, so a restart keeps what it acknowledged) and one replica of every service, ready. */
    public static Suite start() {
        return start(1);
    }

    /** As {@link #start()}, with {@code replicasEach} replicas of every service sharing the one Redis and MongoDB. */
    public static Suite start(int replicasEach) {
        return start(replicasEach, Map.of());
    }

    /** As {@link #start(int)}, with extra system properties per service name, the same for each replica. */
    public static Suite start(int replicasEach, Map<String, Map<String, String>> extraPropertiesPerService) {
        RedisServer redis = new RedisServer(true).start();
        Suite suite = new Suite(redis, null);
        suite.extraProperties = extraPropertiesPerService;
        return suite.startServices(SERVICES, replicasEach, Map.of("quarkus.redis.hosts", redis.url()));
    }

    /**
     * As {@link #start()}, with extra system properties per service name (e.g. a shorter delivery timeout for a
     * fault test), set before the services start.
     */
    public static Suite start(Map<String, Map<String, String>> extraPropertiesPerService) {
        RedisServer redis = new RedisServer(true).start();
        Suite suite = new Suite(redis, null);
        suite.extraProperties = extraPropertiesPerService;
        return suite.startServices(SERVICES, 1, Map.of("quarkus.redis.hosts", redis.url()));
    }

    /** Starts a 3-master Redis Cluster and the named services on it, by configuration alone. */
    public static Suite onCluster(List<String> names) {
        RedisCluster cluster = new RedisCluster().start();
        return new Suite(null, cluster).startServices(names, 1,
                Map.of("quarkus.redis.hosts", cluster.hosts(), "quarkus.redis.client-type", "cluster"));
    }

    private Suite startServices(List<String> names, int replicasEach, Map<String, String> redisProperties) {
        try {
            // Every process is created first, so each knows its port and the others' before any starts.
            for (String name : names) {
                List<ServiceProcess> processes = new ArrayList<>();
                for (int i = 0; i < replicasEach; i++) {
                    Map<String, String> properties = new LinkedHashMap<>(redisProperties);
                    properties.put("quarkus.mongodb.connection-string", mongoUrl);
                    properties.putAll(extraProperties.getOrDefault(name, Map.of()));
                    processes.add(new ServiceProcess(Path.of("..", name), properties));
                }
                replicas.put(name, processes);
            }
            wire();
            ServiceProcess.startAll(replicas.values().stream().flatMap(List::stream).toList(), Duration.ofSeconds(90));
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void wire() {
        if (replicas.containsKey("queue-service")) {
            for (ServiceProcess alert : replicas.getOrDefault("alert-service", List.of())) {
                alert.property("vigil.alert.delivery.queue-url", service("queue-service").baseUrl());
                alert.property("vigil.alert.delivery.queue-api-key", "test-writer-key");
            }
        }
        for (ServiceProcess health : replicas.getOrDefault("health-service", List.of())) {
            for (String other : List.of("metrics-service", "alert-service", "queue-service", "cache-service")) {
                if (replicas.containsKey(other)) {
                    health.property("vigil.health.services." + other, service(other).baseUrl());
                }
            }
        }
    }

    public RedisServer redis() {
        return redis;
    }

    public RedisCluster cluster() {
        return cluster;
    }

    /** The first replica of a service. */
    public ServiceProcess service(String name) {
        return replicas.get(name).get(0);
    }

    public List<ServiceProcess> replicas(String name) {
        return replicas.get(name);
    }

    /** The first replica of every service, by name. */
    public Map<String, ServiceProcess> services() {
        Map<String, ServiceProcess> first = new LinkedHashMap<>();
        replicas.forEach((name, processes) -> first.put(name, processes.get(0)));
        return first;
    }

    @Override
    public void close() {
        replicas.values().forEach(processes -> processes.forEach(ServiceProcess::close));
        if (redis != null) {
            redis.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        mongo.shutdownNow();
    }
}
