package io.vigil.alert.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.domain.Expr;
import io.vigil.alert.domain.Fingerprint;
import io.vigil.alert.domain.Routing;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.domain.Template;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.store.AlertStore;
import io.vigil.alert.store.HistoryStore;
import io.vigil.common.event.Streams;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.stream.EventPublisher;

/**
 * The state machine of alert instances: pending → firing → resolved, with {@code for}, {@code keepFiringFor},
 * acknowledgement, escalation and flap damping. MongoDB is the truth: every change is a compare-and-set on the
 * alert's version, and this replica keeps the active alerts in memory (refreshed every second) only to avoid a read
 * per observation. Every step is recorded in the history under an id derived from the step, and its
 * {@code vigil:events:alert} event has a derived id too, so a replayed step is neither recorded nor consumed twice.
 */
@ApplicationScoped
public class Lifecycle {

    private static final int CAS_ATTEMPTS = 8;
    private static final Set<String> STEPS = Set.of("pending", "firing", "resolved", "pending-cleared");
    private static final Set<String> PUBLISHED = Set.of("pending", "firing", "resolved", "acknowledged",
            "unacknowledged");
    /** A breaching observation with an unchanged value is written at most this often (staleness needs seconds). */
    private static final long TOUCH_MS = 1000;

    private final AlertStore store;
    private final HistoryStore history;
    private final EventPublisher events;
    private final Dispatcher dispatcher;
    private final RuleSet rules;
    private final AlertConfig config;
    private final AlertMeters meters;
    private final Map<String, AlertInstance> active = new ConcurrentHashMap<>();
    private volatile Set<String> outboxSeen = Set.of();

    public Lifecycle(AlertStore store, HistoryStore history, EventPublisher events, Dispatcher dispatcher,
            RuleSet rules, AlertConfig config, AlertMeters meters) {
        this.store = store;
        this.history = history;
        this.events = events;
        this.dispatcher = dispatcher;
        this.rules = rules;
        this.config = config;
        this.meters = meters;
        meters.bindActive(active::values);
        dispatcher.activeAlerts(active::values);
    }

    public Collection<AlertInstance> active() {
        return active.values();
    }

    /** Re-reads the active alerts from MongoDB (changes made by other replicas). */
    public synchronized void refresh() {
        Map<String, AlertInstance> fresh = new LinkedHashMap<>();
        for (AlertInstance a : store.active()) {
            fresh.put(a.fingerprint, a);
        }
        active.keySet().retainAll(fresh.keySet());
        active.putAll(fresh);
    }

    /** The labels of an alert of {@code rule} on a series: series labels, the rule's labels, alertname, severity. */
    public static Map<String, String> alertLabels(Rule.Compiled rule, Map<String, String> series) {
        Map<String, String> labels = new LinkedHashMap<>(series);
        labels.putAll(rule.rule().labels());
        labels.put("alertname", rule.rule().name());
        labels.put("severity", rule.severity().label());
        return labels;
    }

    /**
     * Applies one evaluation of {@code rule} on a series: {@code breach} says whether its condition held for
     * {@code value} at event time {@code observedAt}. Older observations than the last applied are ignored.
     */
    public synchronized void observe(Rule.Compiled rule, Map<String, String> seriesLabels, double value, boolean breach,
            long observedAt, List<String> parents) {
        // The common case at scale: nothing breaches, nothing to clear. Metrics series, queue counts and depths, and
        // absence are observed again and again (or go stale and resolve on the timer), so the 1 s refresh brings
        // another replica's alert here in time. A health transition comes once: its clearing must find the alert in
        // MongoDB even if this replica never saw it fire.
        boolean reobserved = !rule.rule().source().equals("health");
        if (!breach && reobserved && !hasActive(rule.id())) {
            return;
        }
        Map<String, String> labels = alertLabels(rule, seriesLabels);
        String fp = Fingerprint.of(rule.id(), labels);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            long now = System.currentTimeMillis();
            AlertInstance a = active.get(fp);
            if (a == null) {
                if (!breach && reobserved) {
                    return;
                }
                AlertInstance stored = store.get(fp);
                if (stored != null && stored.active()) {
                    active.put(fp, stored);
                    continue;
                }
                if (!breach) {
                    return;
                }
                if (stored != null && observedAt <= stored.lastObservedAt) {
                    return; // a replay of what the resolved episode already saw: never re-fire
                }
                a = stored != null ? stored : new AlertInstance();
                a.fingerprint = fp;
                a.ruleId = rule.id();
                a.ruleName = rule.rule().name();
                a.labels = labels;
                a.severity = rule.severity().label();
                startEpisode(a, now, value, observedAt);
                a.parents = parents == null ? new ArrayList<>() : new ArrayList<>(parents);
                a.annotations = render(rule, labels, value);
                owe(a, AlertState.PENDING.label(), now);
                if (rule.rule().forMs() == 0) {
                    owe(a, fire(a, now), now);
                }
                if (!store.save(a)) {
                    reload(fp);
                    continue;
                }
                active.put(fp, a);
                drain(a);
                return;
            }
            if (observedAt < a.lastObservedAt || a.external) {
                return;
            }
            a.lastObservedAt = observedAt;
            boolean changed = a.value != value;
            a.value = value;
            if (parents != null && !parents.isEmpty()) {
                a.parents = new ArrayList<>(parents);
            }
            String step = null;
            boolean write;
            if (breach) {
                write = changed || a.clearedAt != 0 || now - a.lastBreachAt >= TOUCH_MS;
                a.clearedAt = 0;
                a.lastBreachAt = now;
                if (a.state == AlertState.PENDING && now - a.activeAt >= rule.rule().forMs()) {
                    step = fire(a, now);
                }
            } else if (a.state == AlertState.PENDING) {
                write = true;
                step = resolve(a, now);
            } else {
                write = a.clearedAt == 0;
                if (a.clearedAt == 0) {
                    a.clearedAt = now;
                }
                if (rule.rule().keepFiringForMs() == 0) {
                    step = resolve(a, now);
                }
            }
            if (step == null && !write) {
                return;
            }
            if (saveStep(a, step, now)) {
                return;
            }
        }
        Log.warnf("alert %s: gave up after %d concurrent updates", fp, CAS_ATTEMPTS);
    }

    private boolean hasActive(String ruleId) {
        for (AlertInstance a : active.values()) {
            if (ruleId.equals(a.ruleId)) {
                return true;
            }
        }
        return false;
    }

    /** Alerts posted to the Alertmanager API: firing until endsAt, resolved when endsAt passes or is in the past. */
    public synchronized AlertInstance external(Map<String, String> labels, Map<String, String> annotations,
            long startsAt, long endsAt) {
        String fp = Fingerprint.of("external", labels);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            long now = System.currentTimeMillis();
            AlertInstance a = active.get(fp);
            if (a == null) {
                AlertInstance stored = store.get(fp);
                if (stored != null && stored.active()) {
                    active.put(fp, stored); // fired through another replica: resolved or updated here all the same
                    continue;
                }
                if (endsAt > 0 && endsAt <= now) {
                    return null;
                }
                a = stored != null ? stored : new AlertInstance();
                a.fingerprint = fp;
                a.ruleId = "external";
                a.ruleName = labels.getOrDefault("alertname", "external");
                a.labels = new LinkedHashMap<>(labels);
                a.severity = labels.getOrDefault("severity", "warning");
                a.external = true;
                startEpisode(a, now, 1, now);
                a.annotations = new LinkedHashMap<>(annotations);
                a.state = AlertState.FIRING;
                a.firingAt = startsAt > 0 ? Math.min(startsAt, now) : now;
                a.escalationStartAt = now;
                a.endsAt = endsAt;
                noteChange(a, now);
                owe(a, AlertState.FIRING.label(), now);
                if (!store.save(a)) {
                    reload(fp);
                    continue;
                }
                active.put(fp, a);
                drain(a);
                return a;
            }
            a.annotations = new LinkedHashMap<>(annotations);
            a.endsAt = endsAt;
            a.lastBreachAt = now;
            String step = endsAt > 0 && endsAt <= now ? resolve(a, now) : null;
            if (saveStep(a, step, now)) {
                return a;
            }
        }
        return active.get(fp);
    }

    /** Timers, run by one replica at a time: for, keepFiringFor, staleness, endsAt, ack expiry, escalation, flapping. */
    public void tick(long now, java.util.function.BooleanSupplier stillLeader) {
        for (AlertInstance snapshot : List.copyOf(active.values())) {
            if (!stillLeader.getAsBoolean()) {
                return; // the lease lapsed during a slow tick: another replica may run the timers now
            }
            try {
                tickOne(snapshot.fingerprint, now);
            } catch (RuntimeException e) {
                Log.warnf("timer of alert %s failed: %s", snapshot.fingerprint, e.getMessage());
            }
        }
    }

    private synchronized void tickOne(String fp, long now) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AlertInstance a = active.get(fp);
            if (a == null) {
                return;
            }
            Rule.Compiled rule = a.external ? null : rules.get(a.ruleId);
            String step = null;
            boolean write = false;
            if (a.external) {
                if (a.endsAt > 0 && a.endsAt <= now) {
                    step = resolve(a, now);
                }
            } else if (rule == null || !rule.rule().enabled()) {
                step = resolve(a, now); // its rule was deleted or disabled: nothing will clear it any more
            } else if (a.state == AlertState.PENDING) {
                if (now - a.lastBreachAt > staleMs(rule) + skewMs()) {
                    step = resolve(a, now);
                } else if (now - a.activeAt >= rule.rule().forMs()) {
                    step = fire(a, now);
                }
            } else if (a.clearedAt > 0 && now - a.clearedAt >= rule.rule().keepFiringForMs()) {
                step = resolve(a, now);
            } else if (a.clearedAt == 0 && now - a.lastBreachAt > staleMs(rule) + skewMs()) {
                a.clearedAt = a.lastBreachAt + staleMs(rule); // no data: cleared, keepFiringFor still applies
                write = true;
            }
            List<AlertInstance.Intent> extra = new ArrayList<>();
            String episode = a.fingerprint + ":" + a.episode + ":";
            if (step == null && a.state == AlertState.FIRING) {
                if (a.ack != null && a.ack.until() > 0 && a.ack.until() <= now) {
                    extra.add(new AlertInstance.Intent(episode + "ack-expired:" + a.ack.at(), "ack-expired", now, false,
                            Map.of()));
                    a.ack = null;
                    a.escalationLevel = 0;
                    a.escalationStartAt = now; // an expired ack re-escalates from the first level
                    write = true;
                }
                if (a.flapping && recentChanges(a, now) == 0) {
                    a.flapping = false;
                    a.flapNotified = false;
                    // its changes are notified again: the group hears the current state
                    extra.add(new AlertInstance.Intent(episode + "flapping-ended:" + now, "flapping-ended", now, true,
                            Map.of()));
                    write = true;
                }
                if (a.ack == null && !a.flapping) {
                    List<Routing.EscalationPolicy.Level> levels = dispatcher.escalationLevels(a);
                    int level = dueEscalation(levels, a, now);
                    if (level > a.escalationLevel) {
                        // the receivers are the policy's at the time of the step, kept with it
                        Map<String, Object> detail = new LinkedHashMap<>();
                        detail.put("level", level);
                        detail.put("receivers", levels.get(level - 1).receivers());
                        extra.add(new AlertInstance.Intent(episode + "escalated:" + a.escalationStartAt + ":" + level,
                                "escalated", now, false, detail));
                        a.escalationLevel = level;
                        write = true;
                    }
                }
            }
            if (step == null && !write) {
                return;
            }
            a.outbox.addAll(extra);
            if (saveStep(a, step, now)) {
                return;
            }
        }
    }

    /** The highest escalation level whose delay has passed since escalation (re)started, 0 if none. */
    private static int dueEscalation(List<Routing.EscalationPolicy.Level> levels, AlertInstance a, long now) {
        int due = 0;
        for (int i = 0; i < levels.size(); i++) {
            if (now - a.escalationStartAt >= levels.get(i).delayMs()) {
                due = i + 1;
            }
        }
        // one level per tick, so the history shows each step even after a long outage
        return Math.min(due, a.escalationLevel + 1);
    }

    public synchronized AlertInstance acknowledge(String fp, String by, String comment, long until) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AlertInstance a = activeOr404(fp);
            long now = System.currentTimeMillis();
            a.ack = new AlertInstance.Ack(by, comment, now, until);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("by", by);
            detail.put("comment", comment == null ? "" : comment);
            detail.put("until", until > 0 ? Instant.ofEpochMilli(until).toString() : null);
            a.outbox.add(new AlertInstance.Intent(fp + ":" + a.episode + ":ack:" + now, "acknowledged", now, false,
                    detail));
            if (!store.save(a)) {
                reload(fp);
                continue;
            }
            drain(a);
            return a;
        }
        throw ProblemException.conflict("alert " + fp + " is being changed concurrently; try again");
    }

    public synchronized AlertInstance unacknowledge(String fp, String by) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AlertInstance a = activeOr404(fp);
            if (a.ack == null) {
                return a;
            }
            long now = System.currentTimeMillis();
            a.ack = null;
            a.escalationLevel = 0;
            a.escalationStartAt = now;
            a.outbox.add(new AlertInstance.Intent(fp + ":" + a.episode + ":unack:" + now, "unacknowledged", now, false,
                    Map.of("by", by)));
            if (!store.save(a)) {
                reload(fp);
                continue;
            }
            drain(a);
            return a;
        }
        throw ProblemException.conflict("alert " + fp + " is being changed concurrently; try again");
    }

    private AlertInstance activeOr404(String fp) {
        AlertInstance a = active.get(fp);
        if (a == null) {
            a = store.get(fp);
            if (a == null || !a.active()) {
                throw ProblemException.notFound("no active alert " + fp);
            }
            active.put(fp, a);
        }
        return a;
    }

    private void startEpisode(AlertInstance a, long now, double value, long observedAt) {
        a.episode = a.episode + 1;
        a.state = AlertState.PENDING;
        a.value = value;
        a.activeAt = now;
        a.firingAt = 0;
        a.resolvedAt = 0;
        a.clearedAt = 0;
        a.purgeAt = 0;
        a.lastBreachAt = now;
        a.lastObservedAt = observedAt;
        a.ack = null; // an ack ends when the alert fires anew
        a.escalationLevel = 0;
        a.escalationStartAt = 0;
    }

    private String fire(AlertInstance a, long now) {
        a.state = AlertState.FIRING;
        a.firingAt = now;
        a.escalationStartAt = now;
        noteChange(a, now);
        return AlertState.FIRING.label();
    }

    private String resolve(AlertInstance a, long now) {
        boolean wasFiring = a.state == AlertState.FIRING;
        a.state = AlertState.RESOLVED;
        a.resolvedAt = now;
        a.ack = null; // an ack ends when the alert resolves
        a.purgeAt = now + config.historyRetention().toMillis();
        if (wasFiring) {
            noteChange(a, now);
            return AlertState.RESOLVED.label();
        }
        return "pending-cleared";
    }

    /** Flap damping: N state changes within the window mark the alert flapping until it is quiet for a window. */
    private void noteChange(AlertInstance a, long now) {
        a.changes.add(now);
        a.changes.removeIf(t -> now - t > config.flapWindow().toMillis());
        if (!a.flapping && a.changes.size() >= config.flapTransitions()) {
            a.flapping = true;
        }
    }

    private int recentChanges(AlertInstance a, long now) {
        a.changes.removeIf(t -> now - t > config.flapWindow().toMillis());
        return a.changes.size();
    }

    /**
     * Saves the alert with what its change owes ({@code step}, a flap summary) in its outbox, in one document write,
     * then drains the outbox; false = concurrent change, retry.
     */
    private boolean saveStep(AlertInstance a, String step, long now) {
        if (step != null) {
            owe(a, step, now);
        }
        if (a.flapping && !a.flapNotified) {
            a.flapNotified = true;
            a.outbox.add(new AlertInstance.Intent(a.fingerprint + ":" + a.episode + ":flapping:" + now, "flapping", now,
                    false, Map.of("changes", a.changes.size(), "windowMs", config.flapWindow().toMillis())));
        }
        if (!store.save(a)) {
            reload(a.fingerprint);
            return false;
        }
        if (a.state == AlertState.RESOLVED) {
            active.remove(a.fingerprint);
        }
        drain(a);
        return true;
    }

    /** Adds a state step to the outbox: recorded, published, and (firing, resolved; not while flapping) notified. */
    private void owe(AlertInstance a, String step, long now) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("value", a.value);
        detail.put("labels", a.labels);
        boolean notify = (step.equals(AlertState.FIRING.label()) || step.equals(AlertState.RESOLVED.label()))
                && !a.flapping;
        a.outbox.add(new AlertInstance.Intent(a.fingerprint + ":" + a.episode + ":" + step, step, now, notify, detail));
    }

    /**
     * Performs what the alert's outbox owes, in order; an intent leaves the outbox (in MongoDB and in memory) once all
     * its work is done. A failure stops the drain: the rest stays for the timer ({@link #drainOutboxes()}). Every
     * piece of work is idempotent on the intent's id, so an intent performed twice does nothing twice; and a removal
     * bumps the alert's version, so a replica's copy read before it cannot write the intent back to be performed
     * again (an escalation sent twice where no queue deduplicates it: the direct-delivery fallback).
     */
    private void drain(AlertInstance a) {
        for (AlertInstance.Intent i : List.copyOf(a.outbox)) {
            long read = a.version;
            boolean current;
            try {
                perform(a, i);
                current = store.removeIntent(a.fingerprint, i.id(), read);
            } catch (RuntimeException e) {
                Log.warnf("alert %s: %s kept in its outbox for a retry: %s", a.fingerprint, i.type(), e.getMessage());
                return;
            }
            a.outbox.removeIf(x -> x.id().equals(i.id()));
            if (current) {
                a.version = read + 1; // the removal bumped the version: this copy is the stored state
            }
            AlertInstance local = active.get(a.fingerprint);
            if (local != null && local != a) {
                local.outbox.removeIf(x -> x.id().equals(i.id()));
                if (current && local.version == read) {
                    local.version = read + 1; // the same stored state as a, read apart
                }
            }
        }
    }

    private void perform(AlertInstance a, AlertInstance.Intent i) {
        Map<String, Object> detail = i.detail() == null ? Map.of() : i.detail();
        // counters change once, with the history record that makes the step final (a replay finds it recorded)
        if (history.record(i.id(), a.fingerprint, i.type(), i.at(), detail) && STEPS.contains(i.type())) {
            meters.transition(i.type(), a.severity);
        }
        if (PUBLISHED.contains(i.type())) {
            String id = UUID.nameUUIDFromBytes(i.id().getBytes(StandardCharsets.UTF_8)).toString();
            events.publish(Streams.ALERT, events.envelope(id, "alert." + i.type(), 1, a.eventPayload()));
        }
        if (i.notifies()) {
            dispatcher.alertChanged(a);
        }
        if (i.type().equals("escalated")) {
            @SuppressWarnings("unchecked")
            List<String> receivers = (List<String>) detail.get("receivers");
            dispatcher.escalate(a, ((Number) detail.get("level")).intValue(), receivers, i.id());
        } else if (i.type().equals("flapping")) {
            dispatcher.flapping(a);
        }
    }

    /**
     * Timer (leader, every second): drains the outboxes a transition left undrained (MongoDB, Redis or queue-service
     * failed after the save, or the replica died). Only intents already seen on the previous pass, so the replica that
     * made the change usually drains its own and the two rarely do the same work (doing it twice is harmless).
     */
    public void drainOutboxes() {
        Set<String> seen = new HashSet<>();
        for (AlertInstance stored : store.withOutbox()) {
            boolean due = false;
            for (AlertInstance.Intent i : stored.outbox) {
                seen.add(i.id());
                due |= outboxSeen.contains(i.id());
            }
            if (due) {
                synchronized (this) {
                    drain(stored);
                }
            }
        }
        outboxSeen = seen;
    }

    private void reload(String fp) {
        AlertInstance fresh = store.get(fp);
        if (fresh == null || !fresh.active()) {
            active.remove(fp);
        } else {
            active.put(fp, fresh);
        }
    }

    /**
     * Times compared here were taken by different replicas (lastBreachAt by the one that saw the observation, now by
     * the leader): a clearing decision waits this much longer, so clock skew cannot resolve a breaching alert early.
     */
    private long skewMs() {
        return config.clockSkewTolerance().toMillis();
    }

    private long staleMs(Rule.Compiled rule) {
        return switch (rule.rule().source()) {
            case "metrics" -> config.staleAfter().toMillis();
            case "queue" -> Expr.QUEUE_DEPTH.contains(rule.expr().field()) ? config.staleAfter().toMillis()
                    : rule.rule().windowMs();
            default -> Long.MAX_VALUE / 4;
        };
    }

    static Map<String, String> render(Rule.Compiled rule, Map<String, String> labels, double value) {
        Map<String, String> out = new LinkedHashMap<>();
        rule.rule().annotations().forEach((k, v) -> out.put(k, Template.render(v, labels, value,
                rule.severity().label())));
        return out;
    }
}
