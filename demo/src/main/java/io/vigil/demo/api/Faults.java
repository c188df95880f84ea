package io.vigil.demo.api;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** The faults ./vigil demo injects: extra latency on one endpoint, an outage of another; each ends by itself. */
@ApplicationScoped
public class Faults {

    private final Map<String, Fault> active = new ConcurrentHashMap<>();

    public record Fault(String endpoint, String kind, long latencyMs, Instant until) {
    }

    public void inject(Fault fault) {
        active.put(fault.endpoint(), fault);
    }

    public void clear() {
        active.clear();
    }

    public Map<String, Fault> active() {
        active.values().removeIf(f -> f.until().isBefore(Instant.now()));
        return Map.copyOf(active);
    }

    /** Extra latency for {@code endpoint} now, 0 when none. */
    public long latencyMs(String endpoint) {
        Fault f = active().get(endpoint);
        return f != null && f.kind().equals("latency") ? f.latencyMs() : 0;
    }

    public boolean down(String endpoint) {
        Fault f = active().get(endpoint);
        return f != null && f.kind().equals("outage");
    }
}
