package io.vigil.health.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vigil.health.check.Prober;
import io.vigil.health.domain.FleetStatus;
import io.vigil.health.domain.State;

/**
 * health-service's meters on {@code /q/metrics}: per target its state ({@code vigil_health_target_up},
 * {@code vigil_health_target_state}), check durations and failures; transitions; and how late checks start against
 * their schedule. Every replica exports the same target states (read from Redis), so dashboards take {@code max}.
 */
@ApplicationScoped
public class HealthMeters {

    private static final Duration[] CHECK_BUCKETS = { ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500),
            ms(1000), ms(2500), ms(5000), ms(10000) };
    private static final Duration[] LATENESS_BUCKETS = { ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500),
            ms(1000), ms(2500), ms(5000) };

    private final MeterRegistry registry;
    private final Timer lateness;
    private final Map<String, TargetGauges> gauges = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();

    public HealthMeters(MeterRegistry registry, Prober prober) {
        this.registry = registry;
        this.lateness = Timer.builder("vigil.health.schedule.lateness")
                .description("How late checks start against their schedule").serviceLevelObjectives(LATENESS_BUCKETS)
                .register(registry);
        Gauge.builder("vigil.health.checks.waiting", prober, Prober::waiting)
                .description("Due checks waiting for a free slot (schedule.max-concurrency)").register(registry);
    }

    public void lateness(long millis) {
        lateness.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public void checked(String target, long latencyMs, boolean failed) {
        durations.computeIfAbsent(target, t -> Timer.builder("vigil.health.check.duration")
                .description("Duration of checks per target").tag("target", t).serviceLevelObjectives(CHECK_BUCKETS)
                .register(registry)).record(latencyMs, TimeUnit.MILLISECONDS);
        if (failed) {
            failures.computeIfAbsent(target, t -> Counter.builder("vigil.health.check.failures")
                    .description("Checks whose result was DOWN, per target").tag("target", t).register(registry))
                    .increment();
        }
    }

    public void transition(State to) {
        Counter.builder("vigil.health.transitions").description("State transitions published, by the state entered")
                .tag("to", to.name()).register(registry).increment();
    }

    /**
     * Sets the per-target gauges from the given status. Each target's gauges are registered once and read a holder
     * (re-registering thousands of gauges every snapshot would cost more than the checks); targets that disappeared
     * lose their series.
     */
    public void update(FleetStatus status) {
        Map<String, TargetGauges> seen = new HashMap<>();
        for (FleetStatus.Entry e : status.entries()) {
            String name = e.target().name();
            TargetGauges g = gauges.get(name);
            if (g == null || !g.group.equals(e.target().group())) {
                if (g != null) {
                    g.remove(registry);
                }
                g = new TargetGauges(registry, name, e.target().group());
                gauges.put(name, g);
            }
            g.state = e.effective();
            seen.put(name, g);
        }
        gauges.entrySet().removeIf(entry -> {
            if (!seen.containsKey(entry.getKey())) {
                entry.getValue().remove(registry);
                return true;
            }
            return false;
        });
    }

    /** One target's gauges: {@code vigil_health_target_up} and one {@code vigil_health_target_state} per state. */
    private static final class TargetGauges {
        final String group;
        final List<Meter.Id> ids = new ArrayList<>();
        volatile State state = State.UNKNOWN;

        TargetGauges(MeterRegistry registry, String target, String group) {
            this.group = group;
            Tags tags = Tags.of("target", target, "group", group);
            ids.add(Gauge.builder("vigil.health.target.up", this,
                    g -> g.state == State.UNKNOWN ? Double.NaN : g.state.serving() ? 1 : 0)
                    .description("1 while the target is UP or DEGRADED, 0 while DOWN or UNREACHABLE")
                    .tags(tags).register(registry).getId());
            for (State s : State.values()) {
                ids.add(Gauge.builder("vigil.health.target.state", this, g -> g.state == s ? 1 : 0)
                        .description("1 for the target's current state (label state)")
                        .tags(tags.and("state", s.name())).register(registry).getId());
            }
        }

        void remove(MeterRegistry registry) {
            ids.forEach(registry::remove);
        }
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
