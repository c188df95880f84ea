package io.vigil.alert.engine;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.domain.Severity;

/** alert-service's meters on {@code /q/metrics} (all named {@code vigil_alert_*}). */
@ApplicationScoped
public class AlertMeters {

    private final MeterRegistry registry;
    private final Timer lag;
    private final Counter evaluations;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public AlertMeters(MeterRegistry registry) {
        this.registry = registry;
        this.lag = Timer.builder("vigil.alert.evaluation.lag").description(
                "Time from an observation's event time to the end of its rule evaluation")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        this.evaluations = Counter.builder("vigil.alert.evaluations").description("Rule evaluations (rule × observation)")
                .register(registry);
    }

    /** Gauges of active alerts per state and severity, read from the live set. */
    public void bindActive(Supplier<Collection<AlertInstance>> active) {
        for (AlertState state : new AlertState[] {AlertState.PENDING, AlertState.FIRING}) {
            for (Severity sev : Severity.values()) {
                Gauge.builder("vigil.alert.alerts", () -> active.get().stream()
                        .filter(a -> a.state == state && sev.label().equals(a.severity)).count())
                        .description("Active alerts by state and severity (all replicas share the set)")
                        .tags("state", state.label(), "severity", sev.label()).register(registry);
            }
        }
    }

    public void evaluated(long observedAtMs, int rules) {
        evaluations.increment(rules);
        lag.record(Math.max(0, System.currentTimeMillis() - observedAtMs), TimeUnit.MILLISECONDS);
    }

    public void transition(String state, String severity) {
        count("vigil.alert.transitions", "Alert state changes", "state", state, "severity", severity);
    }

    /** outcome: sent, failed (an attempt), dead (given up). */
    public void notification(String receiver, String outcome) {
        count("vigil.alert.notifications", "Notification attempts per receiver and outcome", "receiver", receiver,
                "outcome", outcome);
    }

    /** path: queue (enqueued on queue-service), fallback (queue-service unavailable: delivered directly). */
    public void enqueued(String path) {
        count("vigil.alert.notifications.routed", "Notifications by delivery path", "path", path);
    }

    public void count(String name, String help, String... tags) {
        String key = name + String.join(",", tags);
        counters.computeIfAbsent(key, k -> Counter.builder(name).description(help).tags(tags).register(registry))
                .increment();
    }
}
