package io.vigil.system;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
 * The five packaged services as child processes on one real Redis and one MongoDB wire server (the embedded one, in
 * this JVM), so that what a service stored survives its SIGKILL as it would with a real MongoDB.
 */
public final class Suite implements AutoCloseable {

    public static final List<String> SERVICES = List.of("metrics-service", "health-service", "alert-service",
            "queue-service", "cache-service");

    private final RedisServer redis;
    private final RedisCluster cluster;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final MongoServer mongo = EmbeddedMongo.newServer(new MemoryBackend());
    private final String mongoUrl;

    private Suite(RedisServer redis, RedisCluster cluster) {
        this.redis = redis;
        this.cluster = cluster;
        InetSocketAddress address = mongo.bind();
        this.mongoUrl = "mongodb://127.0.0.1:" + address.getPort();
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
                Map<String, String> properties = new LinkedHashMap<>(redisProperties);
                properties.put("quarkus.mongodb.connection-string", mongoUrl);
                ServiceProcess process = new ServiceProcess(Path.of("..", name), properties);
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
        mongo.shutdownNow();
    }
}
