package io.vigil.metrics.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;

import io.vigil.common.problem.ProblemException;

/**
 * A query window in epoch seconds, aligned outward to whole buckets of the resolution it is read at: 10 s buckets up
 * to 15 min, 1 min buckets up to 6 h, 1 h buckets beyond (so a 24 h query reads 25 hourly rollups per series, never
 * 8640 raw ones), but never a resolution whose rollups retention has purged at the window's start (a 10 min window
 * three days ago reads 1 min buckets). {@code coveredTo} is where data can end ({@code to}, or now for a window reaching
 * into the current bucket): rates divide by {@code coveredTo - from}, the span the counted buckets cover.
 * {@code finest} is the finest resolution still retained at {@code from}.
 */
public record Window(long from, long to, Resolution resolution, long coveredTo, Resolution finest) {

    public static final Map<String, Duration> NAMED = Map.of("15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1),
            "6h", Duration.ofHours(6), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));
    static final Duration LONGEST = Duration.ofDays(90);

    /** From a named window ({@code 1h}, {@code 24h}, {@code 7d}, ...) or an ISO-8601 {@code from}/{@code to}. */
    /** @param retained how long the rollups of each resolution are kept */
    public static Window parse(String window, String from, String to, long nowMs,
            Function<Resolution, Duration> retained) {
        long end;
        long start;
        if (from != null || to != null) {
            if (window != null) {
                throw ProblemException.invalid("window", "give either window or from/to, not both");
            }
            start = instant("from", from, null) / 1000;
            end = instant("to", to, nowMs) / 1000;
            if (start >= end) {
                throw ProblemException.invalid("from", "must be before to");
            }
            if (end - start > LONGEST.toSeconds()) {
                throw ProblemException.invalid("from", "the window may span at most 90 days");
            }
        } else {
            String name = window == null ? "1h" : window;
            Duration span = NAMED.get(name);
            if (span == null) {
                throw ProblemException.invalid("window", "unknown window '" + name + "'; use one of 15m, 1h, 6h, 24h, 7d, 30d or from/to");
            }
            end = nowMs / 1000 + 1;
            start = end - span.toSeconds();
        }
        long span = end - start;
        long now = nowMs / 1000;
        Resolution finest = Resolution.RAW;
        while (finest != Resolution.HOUR && now - start > retained.apply(finest).toSeconds()) {
            finest = Resolution.ALL.get(finest.ordinal() + 1);
        }
        Resolution res = span <= 900 ? Resolution.RAW : span <= 6 * 3600 ? Resolution.MINUTE : Resolution.HOUR;
        if (res.ordinal() < finest.ordinal()) {
            res = finest;
        }
        return aligned(start, end, res, now, finest);
    }

    private static Window aligned(long start, long end, Resolution res, long now, Resolution finest) {
        long from = start - Math.floorMod(start, res.seconds());
        long to = end + Math.floorMod(-end, res.seconds());
        return new Window(from, to, res, Math.max(from + 1, Math.min(to, now + 1)), finest);
    }

    /** Same window read at a coarser-or-equal resolution fitting {@code step} (for time series). */
    public Window at(Resolution res) {
        return aligned(from, to, res, coveredTo - 1, finest);
    }

    /** Minutes the counted buckets cover (up to now): what throughput divides by. */
    public double minutes() {
        return Math.max(1, coveredTo - from) / 60.0;
    }

    private static long instant(String field, String value, Long fallback) {
        if (value == null) {
            if (fallback != null) {
                return fallback;
            }
            throw ProblemException.invalid(field, "is required with " + (field.equals("from") ? "to" : "from"));
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be an ISO-8601 UTC time such as 2026-01-15T10:30:00Z");
        }
    }
}
