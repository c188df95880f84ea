package io.vigil.metrics.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.common.problem.ProblemException;

/** A page of a collection; pass {@code nextCursor} as {@code cursor} for the next one (absent on the last page). */
@Schema(description = "One page of results")
public record Page<T>(List<T> items, String nextCursor, String from, String to, String resolution) {

    public static <T> Page<T> of(List<T> all, int limit, String cursor, String from, String to, String resolution) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalid("limit", "must be between 1 and 1000");
        }
        int offset = decode(cursor);
        int end = Math.min(all.size(), offset + limit);
        List<T> items = offset >= all.size() ? List.of() : all.subList(offset, end);
        String next = end < all.size() ? Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("o:" + end).getBytes(StandardCharsets.UTF_8)) : null;
        return new Page<>(items, next, from, to, resolution);
    }

    private static int decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith("o:")) {
                return Integer.parseInt(s.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw ProblemException.invalid("cursor", "is not a cursor returned by this API");
    }
}
