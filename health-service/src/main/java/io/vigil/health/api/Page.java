package io.vigil.health.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;

import io.vigil.common.problem.ProblemException;

/**
 * One page of a newest-first collection; {@code nextCursor} (opaque, null on the last page) fetches the next one.
 * The cursor encodes the time of the page's oldest item.
 */
public record Page<T>(List<T> items, String nextCursor) {

    static <T> Page<T> of(List<T> items, int limit, ToLongFunction<T> epochMs) {
        String next = items.size() < limit ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(
                        ("t:" + epochMs.applyAsLong(items.get(items.size() - 1))).getBytes(StandardCharsets.UTF_8));
        return new Page<>(items, next);
    }

    /** The exclusive upper time bound a cursor stands for, or {@code fallback} without one. */
    static long before(String cursor, long fallback) {
        if (cursor == null || cursor.isEmpty()) {
            return fallback;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith("t:")) {
                throw new IllegalArgumentException();
            }
            return Math.min(fallback, Long.parseLong(text.substring(2)));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("cursor", "not a cursor this API returned");
        }
    }
}
