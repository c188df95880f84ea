package io.vigil.health.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated target: its spec with every default filled in, the parsed conditions and where it came from
 * ({@code config}, {@code service} (a Vigil service registered by default) or {@code api}).
 */
public record Target(TargetSpec spec, TargetType type, String host, int port, List<Condition> conditions,
        List<Condition> softConditions, String source) {

    public String name() {
        return spec.name();
    }

    public String group() {
        return spec.group();
    }

    public long intervalMs() {
        return spec.intervalMs();
    }

    public long timeoutMs() {
        return spec.timeoutMs();
    }

    public List<String> dependsOn() {
        return spec.dependsOn();
    }

    public boolean needsBody() {
        return conditions.stream().anyMatch(Condition::needsBody) || softConditions.stream().anyMatch(Condition::needsBody);
    }

    /** UP when every condition holds, DEGRADED when only soft ones fail, DOWN otherwise; the reason lists the failures. */
    public Verdict evaluate(Observation o) {
        List<String> hard = failures(conditions, o);
        if (!hard.isEmpty()) {
            String reason = String.join("; ", hard);
            if (o.error() != null && !reason.contains(o.error())) {
                reason = o.error() + ": " + reason;
            }
            return new Verdict(State.DOWN, reason);
        }
        List<String> soft = failures(softConditions, o);
        if (!soft.isEmpty()) {
            return new Verdict(State.DEGRADED, String.join("; ", soft));
        }
        return new Verdict(State.UP, null);
    }

    private static List<String> failures(List<Condition> conditions, Observation o) {
        List<String> out = new ArrayList<>(0);
        for (Condition c : conditions) {
            String f = c.failure(o);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }
}
