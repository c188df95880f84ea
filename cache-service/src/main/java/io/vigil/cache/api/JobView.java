package io.vigil.cache.api;

/** A job's progress; {@code total} is -1 while a pattern scan has not finished. */
public record JobView(String id, String namespace, String kind, String state, long total, long done, long failed,
        String detail, String error, String started, String finished) {

    public record Accepted(String id, String namespace, String kind, String poll) {
    }
}
