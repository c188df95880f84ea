package io.vigil.demo;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The demo shop's settings: where Vigil is, and how hard the load loop drives the shop. */
@ConfigMapping(prefix = "demo")
public interface DemoConfig {

    /** Vigil's writer API key (ingest, enqueue, cache writes); ./vigil demo passes the one ./vigil up generated. */
    Optional<String> writerKey();

    /** Where queue-service listens. */
    @WithDefault("http://127.0.0.1:8084")
    String queueUrl();

    /** Where cache-service listens. */
    @WithDefault("http://127.0.0.1:8085")
    String cacheUrl();

    Load load();

    interface Load {
        /** Requests per second the built-in load loop sends to the shop's own endpoints; 0 turns it off. */
        @WithDefault("0")
        int rps();
    }
}
