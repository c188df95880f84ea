package io.vigil.alert.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Notification;
import io.vigil.alert.domain.Routing;
import io.vigil.alert.domain.Silence;
import io.vigil.alert.store.AlertGroup;
import io.vigil.alert.store.AlertStore;
import io.vigil.alert.store.GroupStore;
import io.vigil.alert.store.HistoryStore;
import io.vigil.alert.store.RoutingStore;
import io.vigil.alert.store.SilenceStore;

/**
 * From alert changes to notifications: routes each alert, keeps it in its notification groups (groupWait,
 * groupInterval, repeatInterval), and at each flush leaves out silenced, inhibited and flapping alerts. Escalation
 * steps and flap summaries go straight to their receivers. Every notification is handed to {@link Delivery} with an
 * idempotency key derived from what it reports, so a replay enqueues nothing twice.
 */
@ApplicationScoped
public class Dispatcher {

    private static final int CAS_ATTEMPTS = 8;

    private final GroupStore groups;
    private final AlertStore alerts;
    private final RoutingStore routingStore;
    private final SilenceStore silenceStore;
    private final HistoryStore history;
    private final Delivery delivery;
    private volatile Routing routing = Routing.empty();
    private volatile List<Silence> silences = List.of();
    private volatile Supplier<Collection<AlertInstance>> active = List::of;
    private volatile Set<String> pendingSeen = Set.of();

    public Dispatcher(GroupStore groups, AlertStore alerts, RoutingStore routingStore, SilenceStore silenceStore,
            HistoryStore history, Delivery delivery) {
        this.groups = groups;
        this.alerts = alerts;
        this.routingStore = routingStore;
        this.silenceStore = silenceStore;
        this.history = history;
        this.delivery = delivery;
    }

    /** The live set of active alerts (the lifecycle's), for inhibition. */
    public void activeAlerts(Supplier<Collection<AlertInstance>> source) {
        this.active = source;
    }

    public Routing routing() {
        return routing;
    }

    /** Re-reads routing and silences (changes made through any replica). */
    public void reload() {
        routing = routingStore.get();
        silences = silenceStore.all();
    }

    /** An alert fired or resolved: update its groups, flushing at once those whose groupWait/interval allows. */
    public void alertChanged(AlertInstance a) {
        long now = System.currentTimeMillis();
        for (Router.Match m : Router.match(routing, a.labels)) {
            if (m.receiver() == null) {
                continue;
            }
            Map<String, String> groupLabels = new LinkedHashMap<>();
            for (String l : m.groupBy()) {
                groupLabels.put(l, a.labels.getOrDefault(l, ""));
            }
            String key = m.receiver() + "|" + m.path() + "|" + groupLabels;
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                AlertGroup g = groups.get(key);
                if (g != null && a.state.label().equals(g.alerts.get(a.fingerprint))) {
                    break; // the group has this state already: a replayed outbox intent changes nothing
                }
                if (g == null) {
                    if (a.state == AlertState.RESOLVED) {
                        break; // its group was flushed and emptied: nothing told about it is pending
                    }
                    g = new AlertGroup();
                    g.key = key;
                    g.receiver = m.receiver();
                    g.groupLabels = groupLabels;
                    g.nextFlushAt = now + m.groupWaitMs();
                } else {
                    long earliest = Math.max(now, g.lastFlushAt + m.groupIntervalMs());
                    g.nextFlushAt = g.nextFlushAt == 0 ? earliest : Math.min(g.nextFlushAt, earliest);
                }
                g.groupIntervalMs = m.groupIntervalMs();
                g.repeatIntervalMs = m.repeatIntervalMs();
                g.alerts.put(a.fingerprint, a.state.label());
                if (groups.save(g)) {
                    if (g.nextFlushAt <= now) {
                        flush(g, now);
                    }
                    break;
                }
            }
        }
    }

    /** Flushes every group that is due (scheduler). */
    public void flushDue(long now) {
        for (AlertGroup g : groups.due(now)) {
            try {
                flush(g, now);
            } catch (RuntimeException e) {
                Log.warnf("flush of group %s failed: %s", g.key, e.getMessage());
            }
        }
    }

    /**
     * Timer (leader, every second): hands over the claimed flushes a failure left pending, those already seen on the
     * previous pass (the claiming replica usually hands over its own first).
     */
    public void drainPending() {
        Set<String> seen = new HashSet<>();
        for (AlertGroup g : groups.withPending()) {
            boolean due = false;
            for (Notification n : g.pending) {
                seen.add(n.id());
                due |= pendingSeen.contains(n.id());
            }
            if (due) {
                try {
                    handOver(g, null, System.currentTimeMillis());
                } catch (RuntimeException e) {
                    Log.warnf("group %s: pending notification still not handed over: %s", g.key, e.getMessage());
                }
            }
        }
        pendingSeen = seen;
    }

    /**
     * One flush: what the group's alerts are now, as notification {@code key#(seq+1)}. The flush is claimed first, by
     * saving the group with the next seq and the notification in {@code pending} (compare-and-set on its version):
     * of two flushes racing (two replicas, the stream thread and the timer, two leaders), one claims and enqueues, the
     * other finds the version moved and sends nothing. Then the notification is handed to delivery and removed.
     */
    private void flush(AlertGroup g, long now) {
        List<Notification.Item> items = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        boolean anyFiring = false;
        for (String fp : g.alerts.keySet()) {
            AlertInstance a = alerts.get(fp);
            if (a == null || a.state == AlertState.RESOLVED) {
                drop.add(fp);
            }
            if (a == null || a.state == AlertState.PENDING) {
                continue;
            }
            if (a.state == AlertState.FIRING) {
                anyFiring = true;
            }
            String muted = mutedBy(a, now);
            if (muted != null || a.flapping) {
                continue;
            }
            items.add(Notification.Item.of(a));
        }
        long seq = g.seq + 1;
        io.vigil.alert.domain.Receiver receiver = routing.receiver(g.receiver);
        boolean sendResolved = receiver == null || receiver.sendsResolved();
        boolean hasFiring = items.stream().anyMatch(i -> i.status().equals("firing"));
        if (!sendResolved) {
            items.removeIf(i -> i.status().equals("resolved"));
        }
        String id = g.key + "#" + seq;
        if (!items.isEmpty() && (hasFiring || sendResolved)) {
            g.pending.add(new Notification(id, g.receiver, "group", hasFiring ? "firing" : "resolved", g.key,
                    g.groupLabels, items, Instant.ofEpochMilli(now).toString()));
        }
        g.seq = seq;
        g.lastFlushAt = now;
        drop.forEach(g.alerts::remove);
        g.nextFlushAt = anyFiring ? now + g.repeatIntervalMs : 0;
        boolean claimed = g.alerts.isEmpty() && g.pending.isEmpty() ? groups.delete(g) : groups.save(g);
        if (claimed) {
            handOver(g, id, now);
        }
    }

    /**
     * Enqueues the group's pending notification {@code only} (the one this flush claimed; null = all, for the timer)
     * and removes it once handed over, re-reading on a conflict. Another flush's pending notification is left to
     * that flush (it may be handing it over right now) or, if it failed, to the timer.
     */
    private void handOver(AlertGroup g, String only, long now) {
        while (true) {
            Notification n = g.pending.stream().filter(p -> only == null || p.id().equals(only)).findFirst()
                    .orElse(null);
            if (n == null) {
                return;
            }
            delivery.enqueue(n); // idempotent on n.id(): a second hand-over is dropped by the queue
            for (int attempt = 0; ; attempt++) {
                g.pending.removeIf(p -> p.id().equals(n.id()));
                boolean saved = g.alerts.isEmpty() && g.pending.isEmpty() ? groups.delete(g) : groups.save(g);
                if (saved) {
                    break;
                }
                AlertGroup fresh = groups.get(g.key);
                if (fresh == null || attempt >= CAS_ATTEMPTS) {
                    return; // gone (another replica finished it), or left for the timer
                }
                g = fresh;
            }
            notified(g.receiver, n, now);
        }
    }

    /** The history's "notified" steps: informative, so a failure to record them never repeats the hand-over. */
    private void notified(String receiver, Notification n, long now) {
        try {
            for (Notification.Item i : n.alerts()) {
                history.record(i.fingerprint() + ":notified:" + n.id(), i.fingerprint(), "notified", now,
                        Map.of("receiver", receiver, "status", i.status(), "notification", n.id()));
            }
        } catch (RuntimeException e) {
            Log.warnf("notification %s handed over, not recorded in the history: %s", n.id(), e.getMessage());
        }
    }

    /** The silence id or the fingerprint of the inhibiting alert, or null if the alert is not muted. */
    public String mutedBy(AlertInstance a, long now) {
        for (Silence s : silences) {
            if (s.activeAt(now) && s.mutes(a.labels)) {
                return "silence:" + s.id();
            }
        }
        if (a.state != AlertState.FIRING) {
            return null;
        }
        for (AlertInstance other : active.get()) {
            if (other.state != AlertState.FIRING || other.fingerprint.equals(a.fingerprint)) {
                continue;
            }
            // a target behind a DOWN parent: muted while the parent's alert fires
            if (!a.parents.isEmpty() && a.parents.contains(other.labels.get("target"))) {
                return "inhibit:" + other.fingerprint;
            }
            for (Routing.InhibitRule rule : routing.effectiveInhibitRules()) {
                if (Matcher.allTexts(rule.targetMatchers(), a.labels)
                        && Matcher.allTexts(rule.sourceMatchers(), other.labels)
                        && equalLabels(rule.equal(), a.labels, other.labels)) {
                    return "inhibit:" + other.fingerprint;
                }
            }
        }
        return null;
    }

    private static boolean equalLabels(List<String> names, Map<String, String> a, Map<String, String> b) {
        for (String n : names == null ? List.<String>of() : names) {
            if (!a.getOrDefault(n, "").equals(b.getOrDefault(n, ""))) {
                return false;
            }
        }
        return true;
    }

    /** The levels of the first escalation policy on the alert's routes. */
    public List<Routing.EscalationPolicy.Level> escalationLevels(AlertInstance a) {
        for (Router.Match m : Router.match(routing, a.labels)) {
            if (m.escalationPolicy() != null) {
                Routing.EscalationPolicy p = routing.policy(m.escalationPolicy());
                if (p != null) {
                    return p.levels();
                }
            }
        }
        return List.of();
    }

    /**
     * Sends one escalation step of an alert to the level's receivers (unless the alert is silenced or inhibited).
     * A receiver the alert's routes already notify (the usual level 1) gets the group notification, not a second one.
     */
    public void escalate(AlertInstance a, int level, List<String> receivers, String stepId) {
        if (mutedBy(a, System.currentTimeMillis()) != null) {
            return;
        }
        java.util.Set<String> routed = new java.util.HashSet<>();
        if (a.escalationStartAt == a.firingAt) {
            Router.match(routing, a.labels).forEach(m -> routed.add(m.receiver()));
        }
        for (String r : receivers) {
            if (routed.contains(r)) {
                continue;
            }
            delivery.enqueue(single(a, r, "escalation", stepId + ":" + r));
        }
    }

    /** One summary to the alert's receivers when it starts flapping; its further changes are not sent until it calms. */
    public void flapping(AlertInstance a) {
        for (Router.Match m : Router.match(routing, a.labels)) {
            if (m.receiver() != null) {
                delivery.enqueue(single(a, m.receiver(), "flapping",
                        a.fingerprint + ":" + a.episode + ":flapping:" + a.changes.size() + ":" + m.receiver()));
            }
        }
    }

    /** A synthetic alert through the whole route (test-alert endpoint): routed, silences applied, not grouped. */
    public List<Notification> test(AlertInstance a) {
        List<Notification> sent = new ArrayList<>();
        if (mutedBy(a, System.currentTimeMillis()) != null) {
            return sent;
        }
        for (Router.Match m : Router.match(routing, a.labels)) {
            if (m.receiver() != null) {
                Notification n = single(a, m.receiver(), "test", a.fingerprint + ":test:" + m.receiver());
                delivery.enqueue(n);
                sent.add(n);
            }
        }
        return sent;
    }

    private static Notification single(AlertInstance a, String receiver, String kind, String id) {
        Notification.Item item = Notification.Item.of(a);
        return new Notification(id, receiver, kind, item.status(), a.fingerprint, Map.of("alertname",
                a.labels.getOrDefault("alertname", a.ruleId)), List.of(item), Instant.now().toString());
    }
}
