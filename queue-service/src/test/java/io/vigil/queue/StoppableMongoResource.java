package io.vigil.queue;

import java.net.InetSocketAddress;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vigil.mongo.embedded.EmbeddedMongo;
import io.vigil.testing.RedisServer;

/**
 * A MongoDB wire server on a fixed loopback port that a test can stop (connections dropped, as in an outage) and
 * start again, with short driver timeouts so an outage is noticed in about a second.
 */
public class StoppableMongoResource implements QuarkusTestResourceLifecycleManager {

    private static final int PORT = RedisServer.freePort();
    private static MongoServer server;

    @Override
    public Map<String, String> start() {
        startMongo();
        return Map.of("quarkus.mongodb.connection-string", "mongodb://127.0.0.1:" + PORT,
                "quarkus.mongodb.server-selection-timeout", "1s",
                "quarkus.mongodb.connect-timeout", "1s",
                "quarkus.mongodb.read-timeout", "2s");
    }

    @Override
    public void stop() {
        stopMongo();
    }

    public static synchronized void startMongo() {
        if (server == null) {
            server = EmbeddedMongo.newServer(new MemoryBackend());
            server.bind(new InetSocketAddress("127.0.0.1", PORT));
        }
    }

    /** The outage: the server stops listening and closes every client connection. */
    public static synchronized void stopMongo() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }
}
