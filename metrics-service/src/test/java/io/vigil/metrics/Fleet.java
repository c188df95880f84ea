package io.vigil.metrics;

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
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/**
 * What the ITs run against: one private redis-server and one MongoDB shared by every replica (as in production), and
 * packaged metrics-service processes with short buckets-closing settings.
 */
final class Fleet implements AutoCloseable {

    final RedisServer redis = new RedisServer(true).start();
    final MongoServer mongo;
    final String mongoUrl;
    private final List<ServiceProcess> processes = new ArrayList<>();

    Fleet() {
        mongo = EmbeddedMongo.newServer(new MemoryBackend());
        InetSocketAddress address = mongo.bind();
        mongoUrl = "mongodb://127.0.0.1:" + address.getPort();
    }

    ServiceProcess start(String instance) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.redis.hosts", redis.url());
        props.put("quarkus.mongodb.connection-string", mongoUrl);
        props.put("vigil.streams.instance", instance);
        props.put("vigil.metrics.flush-interval", "50ms");
        props.put("vigil.metrics.late-grace", "1s");
        props.put("vigil.metrics.close-interval", "1s");
        props.put("vigil.metrics.stream.batch-size", "5");
        props.put("vigil.metrics.stream.block", "200ms");
        props.put("vigil.metrics.stream.claim-idle", "2s");
        props.put("vigil.metrics.stream.claim-interval", "500ms");
        ServiceProcess process = new ServiceProcess(Path.of(System.getProperty("user.dir")), props);
        processes.add(process);
        return process.start(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        processes.forEach(ServiceProcess::kill);
        mongo.shutdownNow();
        redis.close();
    }
}
