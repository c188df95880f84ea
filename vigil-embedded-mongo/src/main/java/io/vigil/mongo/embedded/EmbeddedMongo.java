package io.vigil.mongo.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.runtime.MongoClientCustomizer;

/**
 * The zero-setup MongoDB: when no connection string is configured, an in-process MongoDB wire-protocol server
 * (mongo-java-server, H2 file backend) is started on a free loopback port and the client is pointed at it.
 * Production sets {@code QUARKUS_MONGODB_CONNECTION_STRING} and this does nothing. ({@code quarkus.mongodb.hosts}
 * always has a default, so it cannot tell whether a real server was meant; use the connection string.)
 */
@ApplicationScoped
public class EmbeddedMongo implements MongoClientCustomizer {

    private final boolean wanted;
    private final EmbeddedMongoConfig config;
    private MongoServer server;

    public EmbeddedMongo(EmbeddedMongoConfig config,
            @ConfigProperty(name = "quarkus.mongodb.connection-string") Optional<String> connectionString) {
        this.config = config;
        this.wanted = config.enabled() && connectionString.isEmpty();
    }

    @Override
    public synchronized MongoClientSettings.Builder customize(MongoClientSettings.Builder builder) {
        if (!wanted) {
            return builder;
        }
        if (server == null) {
            server = newServer(storage());
            InetSocketAddress address = server.bind();
            Log.infof("embedded MongoDB (%s) listening on 127.0.0.1:%d",
                    config.dataFile().orElse("in memory"), address.getPort());
        }
        String url = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
        return builder.applyConnectionString(new ConnectionString(url));
    }

    /**
     * A wire-protocol server the MongoDB driver accepts, on the given storage. Also for process-level tests that
     * share one MongoDB between several service replicas.
     */
    public static MongoServer newServer(MongoBackend storage) {
        return new MongoServer(storage.version(WIRE_COMPATIBLE_VERSION));
    }

    /**
     * The MongoDB 5.x driver refuses servers older than 4.2 (wire version 8); mongo-java-server's own newest
     * version constant is 4.0, and the commands the driver sends to a 4.2 server are ones it implements.
     */
    private static final MongoVersion WIRE_COMPATIBLE_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 2, 0);
        }

        @Override
        public int getWireVersion() {
            return 8;
        }
    };

    private MongoBackend storage() {
        if (config.dataFile().isEmpty()) {
            return new MemoryBackend();
        }
        Path file = Path.of(config.dataFile().get()).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        return new H2Backend(file.toString());
    }

    @PreDestroy
    synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server = null;
        }
    }
}
