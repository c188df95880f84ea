package io.vigil.health.domain;

/**
 * A target's state, ordered from best to worst. UNREACHABLE is never stored or published: queries and the page show
 * it for a target whose parent (dependsOn) is DOWN.
 */
public enum State {
    UNKNOWN, UP, DEGRADED, UNREACHABLE, DOWN;

    public static State parse(String s, State fallback) {
        if (s == null || s.isEmpty()) {
            return fallback;
        }
        return valueOf(s);
    }

    /** UP and DEGRADED serve traffic. */
    public boolean serving() {
        return this == UP || this == DEGRADED;
    }

    public static State worst(State a, State b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
