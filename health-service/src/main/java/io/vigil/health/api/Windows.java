package io.vigil.health.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vigil.common.problem.ProblemException;

/**
 * Query windows: {@code window=15m|1h|6h|24h|7d|30d} (the default given), or ISO-8601 {@code from}/{@code to}. Only
 * windows the data is kept for exist: with results kept 7 days, {@code 30d} of results is a 400 listing the windows
 * there are, never a "30 days" that silently covers 7.
 */
record Windows(String label, long from, long to) {

    static final Map<String, Long> NAMED = named();

    private static Map<String, Long> named() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("15m", 900_000L);
        m.put("1h", 3_600_000L);
        m.put("6h", 21_600_000L);
        m.put("24h", 86_400_000L);
        m.put("7d", 604_800_000L);
        m.put("30d", 2_592_000_000L);
        return m;
    }

    /** The named windows not longer than the data is kept ({@code keptMs}), shortest first. */
    static List<String> available(long keptMs) {
        return NAMED.entrySet().stream().filter(e -> e.getValue() <= keptMs).map(Map.Entry::getKey).toList();
    }

    /** The length of a named window, or a 400 listing the windows there are. */
    static long length(String window, long keptMs) {
        Long length = NAMED.get(window);
        if (length == null || length > keptMs) {
            throw ProblemException.invalid("window", "one of " + String.join(", ", available(keptMs))
                    + " (data is kept " + java.time.Duration.ofMillis(keptMs).toDays() + "d)");
        }
        return length;
    }

    static Windows parse(String window, String from, String to, String fallback, long keptMs) {
        long now = System.currentTimeMillis();
        if (from != null || to != null) {
            long f = from == null ? now - NAMED.get(fallback) : instant("from", from);
            long t = to == null ? now + 1 : instant("to", to);
            if (f >= t) {
                throw io.vigil.common.problem.ProblemException.invalid("from", "must be before 'to'");
            }
            return new Windows("custom", f, t);
        }
        String w = window == null ? fallback : window;
        long length = length(w, keptMs);
        return new Windows(w, now - length, now + 1);
    }

    static long instant(String field, String value) {
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "an ISO-8601 UTC time such as 2026-01-31T12:00:00Z");
        }
    }

    static int limit(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ProblemException.invalid("limit", "between 1 and 10000");
        }
        return limit;
    }
}
