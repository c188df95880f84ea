package io.vigil.health.domain;

/**
 * One check result as kept in the history.
 *
 * @param outcome the verdict of this result alone (UP, DEGRADED, DOWN)
 * @param blocked a parent was DOWN: shown as UNREACHABLE and left out of uptime
 * @param muted   inside a maintenance window: left out of uptime
 */
public record CheckResult(String target, String group, long checkedAt, State outcome, long latencyMs, String reason,
        boolean blocked, boolean muted) {
}
