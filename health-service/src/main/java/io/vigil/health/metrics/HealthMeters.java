package io.vigil.health.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
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
    private final MultiGauge up;
    private final MultiGauge state;
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();

    public HealthMeters(MeterRegistry registry, Prober prober) {
        this.registry = registry;
        this.lateness = Timer.builder("vigil.health.schedule.lateness")
                .description("How late checks start against their schedule").serviceLevelObjectives(LATENESS_BUCKETS)
                .register(registry);
        this.up = MultiGauge.builder("vigil.health.target.up")
                .description("1 while the target is UP or DEGRADED, 0 while DOWN or UNREACHABLE").register(registry);
        this.state = MultiGauge.builder("vigil.health.target.state")
                .description("1 for the target's current state (label state)").register(registry);
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
        registry.counter("vigil.health.transitions", "to", to.name()).increment();
    }

    /** Replaces the per-target gauges with the given status (targets that disappeared lose their series). */
    public void update(FleetStatus status) {
        List<MultiGauge.Row<?>> upRows = new ArrayList<>();
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        for (FleetStatus.Entry e : status.entries()) {
            Tags tags = Tags.of("target", e.target().name(), "group", e.target().group());
            if (e.effective() != State.UNKNOWN) {
                upRows.add(MultiGauge.Row.of(tags, e.effective().serving() ? 1 : 0));
            }
            for (State s : State.values()) {
                stateRows.add(MultiGauge.Row.of(tags.and("state", s.name()), e.effective() == s ? 1 : 0));
            }
        }
        up.register(upRows, true);
        state.register(stateRows, true);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
