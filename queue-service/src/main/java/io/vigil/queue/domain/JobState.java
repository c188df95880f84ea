package io.vigil.queue.domain;

import io.vigil.common.problem.ProblemException;

/** Where a job is in its life; each state except archived has one sorted set per queue. */
public enum JobState {
    WAITING, DELAYED, ACTIVE, COMPLETED, DEAD, CANCELLED;

    public String wire() {
        return name().toLowerCase();
    }

    public static JobState parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase());
        } catch (RuntimeException e) {
            throw ProblemException.invalid("state", "must be one of waiting, delayed, active, completed, dead, cancelled");
        }
    }
}
