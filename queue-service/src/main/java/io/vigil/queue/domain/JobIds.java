package io.vigil.queue.domain;

import java.util.regex.Pattern;

import io.vigil.common.problem.ProblemException;

/**
 * Job ids are opaque to callers; the service makes them '<incarnation>-<sequence>' (lower-case base 36, then
 * digits), or a bare number for jobs of queues created before incarnations existed.
 */
public final class JobIds {
    private static final Pattern VALID = Pattern.compile("[0-9a-z]{1,32}(-[0-9]{1,19})?");

    public static String check(String id) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw ProblemException.invalid("id", "is not a job id of this service");
        }
        return id;
    }

    private JobIds() {
    }
}
