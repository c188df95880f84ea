package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** Posts batches of samples for one service; every accepted sample must be counted by the query API afterwards. */
final class MetricsWorkload implements Workload {

    private static final int BATCH = 20;
    private final String base;
    private final String service = "fault-" + Long.toHexString(System.nanoTime());
    private final AtomicLong acceptedSamples = new AtomicLong();

    MetricsWorkload(String baseUrl) {
        this.base = baseUrl;
    }

    @Override
    public String service() {
        return "metrics-service";
    }

    @Override
    public boolean step() {
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            samples.add(Map.of("service", service, "endpoint", "/faults", "method", "GET", "status", 200,
                    "durationMs", 10 + i));
        }
        Http.Reply reply = Http.send("POST", base + "/api/v1/samples", ApiKeys.WRITER, samples);
        if (reply.status() == 202) {
            acceptedSamples.addAndGet(BATCH);
        }
        return reply.status() == 202;
    }

    @Override
    public long accepted() {
        return acceptedSamples.get();
    }

    @Override
    public List<String> lost() {
        long counted = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Http.Reply reply = Http.send("GET", base + "/api/v1/metrics/endpoints?window=1h&service=" + service,
                    ApiKeys.READER, null);
            counted = 0;
            for (var item : reply.json().path("items")) {
                counted += item.path("count").asLong();
            }
            // More than accepted is fine: a batch stored just before a kill may never have been answered.
            if (counted >= acceptedSamples.get()) {
                return List.of();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L); // poll until the flush shows them
        }
        return List.of((acceptedSamples.get() - counted) + " of " + acceptedSamples.get() + " samples (counted "
                + counted + ")");
    }
}
