package io.vigil.alert;

import static io.restassured.RestAssured.given;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vigil.mongo.embedded.EmbeddedMongo;
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/** One redis-server and one MongoDB shared by packaged alert-service replicas, as in production. */
final class AlertFleet implements AutoCloseable {

    final RedisServer redis = new RedisServer(true).start();
    final MongoServer mongo = EmbeddedMongo.newServer(new MemoryBackend());
    final String mongoUrl;
    private final List<ServiceProcess> processes = new ArrayList<>();

    AlertFleet() {
        InetSocketAddress address = mongo.bind();
        mongoUrl = "mongodb://127.0.0.1:" + address.getPort();
    }

    ServiceProcess start(String instance, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.redis.hosts", redis.url());
        props.put("quarkus.mongodb.connection-string", mongoUrl);
        props.put("vigil.streams.instance", instance);
        props.put("vigil.streams.claim-idle", "2s");
        props.put("vigil.streams.claim-interval", "500ms");
        props.put("vigil.streams.block", "200ms");
        props.put("vigil.alert.leader-lease", "2s");
        props.putAll(extra);
        ServiceProcess p = new ServiceProcess(Path.of(System.getProperty("user.dir")), props);
        processes.add(p);
        return p.start(Duration.ofSeconds(60));
    }

    static RequestSpecification api(ServiceProcess p, String key) {
        return given().baseUri(p.baseUrl()).header("Authorization", key).contentType(ContentType.JSON);
    }

    @Override
    public void close() {
        processes.forEach(ServiceProcess::kill);
        mongo.shutdownNow();
        redis.close();
    }
}
