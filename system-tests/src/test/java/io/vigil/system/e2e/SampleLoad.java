package io.vigil.system.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/**
 * The monitored app's request timings, reported to metrics-service's REST ingest at a steady pace (a batch of 2
 * every 100 ms, 20 requests/s) with the latency the test sets: normal, or injected.
 */
public final class SampleLoad implements AutoCloseable {

    private final String url;
    private final String service;
    private final String endpoint;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile double latencyMs = 20;
    private volatile boolean running = true;

    public SampleLoad(String metricsBaseUrl, String service, String endpoint) {
        this.url = metricsBaseUrl + "/api/v1/samples";
        this.service = service;
        this.endpoint = endpoint;
        this.thread = new Thread(this::run, "e2e-sample-load");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public void latencyMs(double latencyMs) {
        this.latencyMs = latencyMs;
    }

    public long accepted() {
        return accepted.get();
    }

    public long refused() {
        return refused.get();
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                // ±10 % jitter: a real endpoint's timings, not one repeated value
                double ms = latencyMs * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble());
                batch.add(Map.of("service", service, "endpoint", endpoint, "method", "GET", "status", 200,
                        "durationMs", Math.round(ms * 10) / 10.0));
            }
            if (Http.send("POST", url, ApiKeys.WRITER, batch).status() == 202) {
                accepted.addAndGet(batch.size());
            } else {
                refused.addAndGet(batch.size());
            }
            next += 100_000_000L;
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(15_000);
    }
}
