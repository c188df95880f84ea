package io.vigil.demo.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import io.vigil.demo.DemoConfig;

/**
 * Drives the shop with a steady mix of requests (demo.load.rps per second, in ticks of 100 ms), as its users would,
 * so the metrics, cache and queue have something to show. Bounded: loopback only, and only while the shop runs.
 */
@ApplicationScoped
public class LoadLoop {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final DemoConfig config;
    private final String base;

    public LoadLoop(DemoConfig config, @ConfigProperty(name = "quarkus.http.port") int port) {
        this.config = config;
        this.base = "http://127.0.0.1:" + port;
    }

    // Its own timer: Quarkus' scheduler ticks at 1 s at the finest, too coarse for a smooth request rate.
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    void start(@Observes StartupEvent started) {
        if (config.load().rps() > 0) {
            timer.scheduleAtFixedRate(this::tick, 3000, 100, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    void tick() {
        int perTick = Math.max(config.load().rps() / 10, config.load().rps() > 0 ? 1 : 0);
        for (int i = 0; i < perTick; i++) {
            send(next());
        }
    }

    private HttpRequest next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int pick = random.nextInt(100);
        HttpRequest.Builder request;
        if (pick < 40) {
            request = HttpRequest.newBuilder(URI.create(base + "/shop/products/" + random.nextInt(200)));
        } else if (pick < 70) {
            request = HttpRequest.newBuilder(URI.create(base + "/shop/search?q=lamp"));
        } else if (pick < 95) {
            request = HttpRequest.newBuilder(URI.create(base + "/shop/inventory/sku-" + random.nextInt(50)));
        } else {
            request = HttpRequest.newBuilder(URI.create(base + "/shop/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"sku-" + random.nextInt(50) + "\",\"qty\":1}"));
        }
        return request.timeout(Duration.ofSeconds(15)).build();
    }

    private void send(HttpRequest request) {
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    }
}
