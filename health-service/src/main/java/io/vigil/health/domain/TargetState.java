package io.vigil.health.domain;

import java.util.Map;

/**
 * A target's current state as kept in Redis (every replica reads the same).
 *
 * @param state       the target's own state after thresholds (never UNREACHABLE)
 * @param lastOutcome the verdict of the latest result alone
 * @param blocked     a parent was DOWN at the latest result: the target shows UNREACHABLE
 * @param muted       a maintenance window covered the latest result
 */
public record TargetState(String name, State state, State lastOutcome, String reason, Long checkedAt, Long latencyMs,
        Long since, boolean blocked, boolean muted, String lastError, Long lastErrorAt) {

    public static TargetState unknown(String name) {
        return new TargetState(name, State.UNKNOWN, State.UNKNOWN, null, null, null, null, false, false, null, null);
    }

    public static TargetState fromHash(String name, Map<String, String> h) {
        if (h == null || h.isEmpty()) {
            return unknown(name);
        }
        return new TargetState(name, State.parse(h.get("state"), State.UNKNOWN),
                State.parse(h.get("lastOutcome"), State.UNKNOWN), blankToNull(h.get("reason")), num(h.get("checkedAt")),
                num(h.get("latencyMs")), num(h.get("since")), "1".equals(h.get("blocked")), "1".equals(h.get("muted")),
                blankToNull(h.get("lastError")), num(h.get("lastErrorAt")));
    }

    /** Whether a child of this target must show UNREACHABLE: it is DOWN, failing right now, or itself cut off. */
    public boolean blocksChildren() {
        return state == State.DOWN || lastOutcome == State.DOWN || blocked;
    }

    private static Long num(String s) {
        return s == null || s.isEmpty() ? null : Long.valueOf(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
