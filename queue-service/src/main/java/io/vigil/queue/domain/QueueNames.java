package io.vigil.queue.domain;

import java.util.regex.Pattern;

import io.vigil.common.problem.ProblemException;

/** Queue names become part of Redis keys and hash tags, so braces, colons and spaces are refused. */
public final class QueueNames {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public static String check(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw ProblemException.invalid("queue", "must match " + VALID.pattern());
        }
        return name;
    }

    private QueueNames() {
    }
}
