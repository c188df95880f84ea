package io.vigil.queue.domain;

import io.vigil.common.problem.ProblemException;

/**
 * Job priority: a name or a number from 0 to 1,000,000; lower runs first (as in BullMQ).
 * urgent = 1, high = 10, normal = 100 (the default), low = 1000.
 */
public final class Priority {
    public static final int MAX = 1_000_000;
    public static final int NORMAL = 100;

    public static int parse(String value) {
        if (value == null || value.isBlank()) {
            return NORMAL;
        }
        switch (value.trim().toLowerCase()) {
            case "urgent": return 1;
            case "high": return 10;
            case "normal": return NORMAL;
            case "low": return 1000;
            default:
                try {
                    int n = Integer.parseInt(value.trim());
                    if (n >= 0 && n <= MAX) {
                        return n;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the problem below
                }
                throw ProblemException.invalid("priority",
                        "must be urgent, high, normal, low or an integer from 0 to " + MAX);
        }
    }

    private Priority() {
    }
}
