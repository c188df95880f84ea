package io.vigil.health.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status of every target, group and the whole fleet at one moment, from the targets and their states in Redis.
 * A target is UNREACHABLE while one of its parents is DOWN (or UNREACHABLE itself) and it is not UP on its own;
 * groups and the fleet take the worst state of their members (UNKNOWN only when nothing else is known).
 */
public final class FleetStatus {

    /** One target's status. */
    public record Entry(Target target, TargetState own, State effective, List<String> blockedBy, boolean maintenance,
            String reason) {
    }

    /** One group's status. */
    public record Group(String name, State status, List<Entry> entries, List<String> reasons) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final State overall;
    private final List<String> reasons = new ArrayList<>();

    public FleetStatus(Collection<Target> targets, Map<String, TargetState> states, List<Maintenance> maintenance,
            long now) {
        Map<String, Target> byName = new LinkedHashMap<>();
        targets.forEach(t -> byName.put(t.name(), t));
        for (Target t : targets) {
            resolve(t.name(), byName, states, maintenance, now, 0);
        }
        Map<String, List<Entry>> members = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            members.computeIfAbsent(e.target().group(), g -> new ArrayList<>()).add(e);
        }
        State all = null;
        for (Map.Entry<String, List<Entry>> g : members.entrySet()) {
            State status = worst(g.getValue().stream().map(Entry::effective).toList());
            List<String> why = new ArrayList<>();
            for (Entry e : g.getValue()) {
                if (e.effective() != State.UP && e.effective() != State.UNKNOWN) {
                    why.add(e.target().name() + " is " + e.effective() + (e.reason() == null ? "" : ": " + e.reason()));
                }
            }
            groups.put(g.getKey(), new Group(g.getKey(), status, g.getValue(), why));
            reasons.addAll(why);
            all = all == null ? status : worst(List.of(all, status));
        }
        this.overall = all == null ? State.UNKNOWN : all;
    }

    private Entry resolve(String name, Map<String, Target> byName, Map<String, TargetState> states,
            List<Maintenance> maintenance, long now, int depth) {
        Entry done = entries.get(name);
        if (done != null) {
            return done;
        }
        Target t = byName.get(name);
        if (t == null) {
            return null;
        }
        TargetState own = states.getOrDefault(name, TargetState.unknown(name));
        List<String> blockedBy = new ArrayList<>();
        if (depth < 16) {
            for (String parent : t.dependsOn()) {
                Entry p = resolve(parent, byName, states, maintenance, now, depth + 1);
                if (p != null && (p.effective() == State.DOWN || p.effective() == State.UNREACHABLE
                        || (own.blocked() && p.own().blocksChildren()))) {
                    blockedBy.add(parent);
                }
            }
        }
        boolean upOnItsOwn = own.state() == State.UP && own.lastOutcome() != State.DOWN;
        State effective = !blockedBy.isEmpty() && !upOnItsOwn && own.state() != State.UNKNOWN
                ? State.UNREACHABLE : own.state();
        boolean inMaintenance = maintenance.stream().anyMatch(m -> m.covers(name, now));
        String reason = effective == State.UNREACHABLE ? "depends on " + String.join(", ", blockedBy) + ", which is down"
                : effective == State.UP ? null : own.reason();
        Entry e = new Entry(t, own, effective, blockedBy, inMaintenance, reason);
        entries.put(name, e);
        return e;
    }

    static State worst(List<State> states) {
        State w = null;
        for (State s : states) {
            if (s == State.UNKNOWN) {
                continue;
            }
            w = w == null ? s : State.worst(w, s);
        }
        return w == null ? State.UNKNOWN : w;
    }

    public State overall() {
        return overall;
    }

    public List<String> reasons() {
        return reasons;
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public Entry entry(String name) {
        return entries.get(name);
    }

    public Collection<Group> groups() {
        return groups.values();
    }

    public Group group(String name) {
        return groups.get(name);
    }
}
