package io.vigil.cache.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The cache's meters: lookups per namespace, level and result (hit ratio = hits / all), L1 evictions, loads and
 * their duration, invalidation apply delay (the measured staleness bound), rate-limit decisions per policy.
 */
@ApplicationScoped
public class CacheMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final AtomicLong worstDelayMs = new AtomicLong();

    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param level l1 or l2; @param result hit, miss or stale */
    public void lookup(String ns, String level, String result) {
        counter("vigil.cache.requests", "Cache lookups by namespace, level and result", ns, "level", level,
                "result", result).increment();
    }

    public void eviction(String ns, String cause) {
        counter("vigil.cache.evictions", "L1 entries evicted (size or weight bound) or expired", ns, "cause",
                cause, "level", "l1").increment();
    }

    /** @param outcome success, failure, not_found, fenced or rejected (breaker open) */
    public void load(String ns, String outcome, long nanos) {
        counter("vigil.cache.loads", "Origin loads by outcome", ns, "outcome", outcome, "kind", "origin")
                .increment();
        if (nanos > 0) {
            timers.computeIfAbsent("load|" + ns, k -> Timer.builder("vigil.cache.load.duration")
                    .description("Time of one origin load, retries included").tag("namespace", ns)
                    .publishPercentiles(0.5, 0.99).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    public void invalidations(String ns, String kind, long n) {
        counter("vigil.cache.invalidations", "Keys invalidated by kind (key, tag, pattern, namespace)", ns,
                "kind", kind, "level", "l2").increment(n);
    }

    /** Time from an invalidation's stream id (Redis' clock when published) to its application in this replica. */
    public void applied(String ns, long delayMs) {
        long d = Math.max(0, delayMs);
        worstDelayMs.accumulateAndGet(d, Math::max);
        timers.computeIfAbsent("delay|" + ns, k -> Timer.builder("vigil.cache.invalidation.delay")
                .description("Delay from publishing an invalidation to applying it to this replica's L1")
                .tag("namespace", ns).publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(1000))
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)).record(d, TimeUnit.MILLISECONDS);
    }

    public long worstDelayMs() {
        return worstDelayMs.get();
    }

    public void decision(String policy, boolean allowed) {
        counter("vigil.ratelimit.decisions", "Rate-limit decisions by policy", null, "policy", policy, "decision",
                allowed ? "allowed" : "denied").increment();
    }

    private Counter counter(String name, String help, String ns, String k1, String v1, String k2, String v2) {
        String id = name + '|' + ns + '|' + v1 + '|' + v2;
        Counter c = counters.get(id);
        if (c == null) {
            Counter.Builder b = Counter.builder(name).description(help).tag(k1, v1).tag(k2, v2);
            if (ns != null) {
                b.tag("namespace", ns);
            }
            c = counters.computeIfAbsent(id, x -> b.register(registry));
        }
        return c;
    }
}
