package io.vigil.mongo.embedded;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The in-process MongoDB used when no {@code quarkus.mongodb.connection-string} is configured. */
@ConfigMapping(prefix = "vigil.mongo.embedded")
public interface EmbeddedMongoConfig {

    /** Start the embedded server when no connection string is configured. */
    @WithDefault("true")
    boolean enabled();

    /** H2 file that keeps the data across restarts; absent means in memory (tests). */
    Optional<String> dataFile();
}
