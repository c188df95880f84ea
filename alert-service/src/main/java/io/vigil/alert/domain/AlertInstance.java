package io.vigil.alert.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One alert: a rule and a label set (its fingerprint), across episodes. The stored document ({@code alerts}
 * collection, {@code _id} = fingerprint) is the truth; {@link #version} guards concurrent writers (replicas).
 * Times are epoch milliseconds.
 */
@RegisterForReflection
public class AlertInstance {
    public String fingerprint;
    public String ruleId;
    public String ruleName;
    public Map<String, String> labels = new LinkedHashMap<>();
    public Map<String, String> annotations = new LinkedHashMap<>();
    public String severity;
    public AlertState state;
    public double value;
    /** When the current episode's condition first held (pending since). */
    public long activeAt;
    /** When it started firing (Alertmanager's startsAt); 0 while pending. */
    public long firingAt;
    public long resolvedAt;
    /** Event time of the newest observation applied: older ones (replays, reordering) are ignored. */
    public long lastObservedAt;
    /** Wall-clock time of the last breaching observation (staleness). */
    public long lastBreachAt;
    /** When the condition stopped holding while firing (keepFiringFor counts from here); 0 while breaching. */
    public long clearedAt;
    /** External (Alertmanager API) alerts: end of validity; 0 for rule alerts. */
    public long endsAt;
    public boolean external;
    public List<String> parents = new ArrayList<>();
    public Ack ack;
    /** Escalation level reached in this episode (0 = route receivers) and when escalation (re)started. */
    public int escalationLevel;
    public long escalationStartAt;
    public boolean flapping;
    public boolean flapNotified;
    /** Times of recent state changes (firing/resolved), for flap damping. */
    public List<Long> changes = new ArrayList<>();
    public long episode;
    public long updatedAt;
    public long purgeAt;
    /**
     * Work this alert's state changes still owe (history, event, notification, escalation step), written in the same
     * document update as the change itself, so a crash or a failing MongoDB/queue/Redis after the save loses nothing:
     * {@code Lifecycle} drains it right after the save and, for what is left, on the scheduler's timer.
     */
    public List<Intent> outbox = new ArrayList<>();
    public long version;

    /**
     * One owed step. {@code id} is the step's history id (fingerprint:episode:step...), from which the event id and
     * notification ids derive, so draining it twice records, publishes and enqueues nothing twice.
     * {@code notifies}: the step goes to the alert's notification groups (not while flapping).
     */
    @RegisterForReflection
    public record Intent(String id, String type, long at, boolean notifies, Map<String, Object> detail) {
    }

    @RegisterForReflection
    public record Ack(String by, String comment, long at, long until) {
    }

    public boolean active() {
        return state != AlertState.RESOLVED;
    }

    public Map<String, Object> eventPayload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("fingerprint", fingerprint);
        p.put("rule", ruleId);
        p.put("labels", labels);
        p.put("severity", severity);
        p.put("value", value);
        p.put("startsAt", java.time.Instant.ofEpochMilli(firingAt > 0 ? firingAt : activeAt).toString());
        p.put("state", state.label());
        return p;
    }
}
