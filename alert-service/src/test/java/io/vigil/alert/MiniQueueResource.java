package io.vigil.alert;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A {@link MiniQueue} on a free loopback port as the app's queue-service, depth polled every 200 ms. */
public class MiniQueueResource implements QuarkusTestResourceLifecycleManager {

    static volatile MiniQueue queue;

    @Override
    public Map<String, String> start() {
        int port = Ports.free();
        queue = new MiniQueue(port).start();
        return Map.of("vigil.alert.delivery.queue-url", queue.url(), "vigil.alert.delivery.queue-api-key",
                "test-writer-key", "vigil.alert.queue-depth.interval", "200ms");
    }

    @Override
    public void stop() {
        queue.close();
    }
}
