package io.vigil.health.domain;

/**
 * Uptime and response times of one target over a window.
 *
 * @param checks         results in the window
 * @param counted        results that count (not UNREACHABLE, not in maintenance)
 * @param uptimePercent  UP or DEGRADED results among the counted ones, null when none counts
 */
public record UptimeStats(String window, long checks, long counted, Double uptimePercent, Long p50Ms, Long p95Ms,
        Long p99Ms) {
}
