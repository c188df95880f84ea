package io.vigil.health.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.vigil.health.domain.FleetStatus;
import io.vigil.health.domain.State;

/**
 * One target's current status.
 *
 * @param state     what to show: the own state, or UNREACHABLE while a parent is DOWN
 * @param ownState  the target's own state after thresholds
 * @param blockedBy the DOWN (or UNREACHABLE) parents that make it UNREACHABLE
 */
public record TargetStatus(String name, String group, String type, State state, State ownState, String reason,
        List<String> blockedBy, List<String> dependsOn, boolean maintenance, String checkedAt, Long latencyMs,
        String since, String lastError, String lastErrorAt, Map<String, String> labels) {

    static TargetStatus of(FleetStatus.Entry e) {
        return new TargetStatus(e.target().name(), e.target().group(), e.target().type().label(), e.effective(),
                e.own().state(), e.reason(), e.blockedBy(), e.target().dependsOn(), e.maintenance(),
                iso(e.own().checkedAt()), e.own().latencyMs(), iso(e.own().since()), e.own().lastError(),
                iso(e.own().lastErrorAt()), e.target().spec().labels());
    }

    static String iso(Long epochMs) {
        return epochMs == null ? null : Instant.ofEpochMilli(epochMs).toString();
    }
}
