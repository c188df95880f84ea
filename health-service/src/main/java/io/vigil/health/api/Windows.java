package io.vigil.health.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import io.vigil.common.problem.ProblemException;

/** Query windows: {@code window=1h|24h|7d|30d} (the default given), or ISO-8601 {@code from}/{@code to}. */
record Windows(String label, long from, long to) {

    static final Map<String, Long> NAMED = Map.of("15m", 900_000L, "1h", 3_600_000L, "6h", 21_600_000L,
            "24h", 86_400_000L, "7d", 604_800_000L, "30d", 2_592_000_000L);

    static Windows parse(String window, String from, String to, String fallback) {
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
        Long length = NAMED.get(w);
        if (length == null) {
            throw ProblemException.invalid("window", "one of 15m, 1h, 6h, 24h, 7d, 30d");
        }
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
