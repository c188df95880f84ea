package io.vigil.alert;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.common.event.EventEnvelope;
import io.vigil.testing.RedisServer;

/**
 * Writes envelopes as the other services do (vigil-common's EventEnvelope) with redis-cli, into the test's real
 * redis-server: what metrics-service, queue-service and health-service publish.
 */
public final class Signals {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static EventEnvelope live(String service, String endpoint, String statusClass, long count, long errors5xx,
            double p95) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("service", service);
        p.put("endpoint", endpoint);
        p.put("method", "GET");
        p.put("statusClass", statusClass);
        p.put("bucketStart", Instant.now().minusSeconds(10).toString());
        p.put("bucketSeconds", 10);
        p.put("count", count);
        p.put("errors4xx", 0);
        p.put("errors5xx", errors5xx);
        p.put("p50Ms", p95 / 2);
        p.put("p90Ms", p95 * 0.9);
        p.put("p95Ms", p95);
        p.put("p99Ms", p95 * 1.1);
        p.put("maxMs", p95 * 1.2);
        p.put("slowWarn", 0);
        p.put("slowCritical", 0);
        return envelope("metrics.live", p);
    }

    public static EventEnvelope envelope(String type, Map<String, Object> payload) {
        return new EventEnvelope(UUID.randomUUID().toString(), type, "test/1", Instant.now(), 1,
                MAPPER.valueToTree(payload));
    }

    public static void xadd(RedisServer redis, String stream, EventEnvelope event) {
        Map<String, String> f = event.toFields();
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(redis.port()), "XADD",
                stream, "*"));
        f.forEach((k, v) -> {
            cmd.add(k);
            cmd.add(v);
        });
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0 || out.startsWith("ERR")) {
                throw new IllegalStateException("XADD failed: " + out);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Signals() {
    }
}
