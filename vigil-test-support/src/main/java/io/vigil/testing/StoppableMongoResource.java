package io.vigil.testing;

import java.net.InetSocketAddress;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vigil.mongo.embedded.EmbeddedMongo;

/**
 * The tests' MongoDB: a wire server on a fixed loopback port that a test can stop (connections dropped, as in an
 * outage) and start again with its data, with short driver timeouts so an outage is noticed in about a second. Like
 * {@code RedisServerResource}, declaring it on one @QuarkusTest applies it to every @QuarkusTest of the module (one app
 * start for all).
 */
public class StoppableMongoResource implements QuarkusTestResourceLifecycleManager {

    private static final int PORT = RedisServer.freePort();
    /** The data outlives an outage, as a real MongoDB's would: stopping the server must not clear it. */
    private static final MemoryBackend DATA = new MemoryBackend() {
        @Override
        public void close() {
            // kept for the restart
        }
    };
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
            server = EmbeddedMongo.newServer(DATA);
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
