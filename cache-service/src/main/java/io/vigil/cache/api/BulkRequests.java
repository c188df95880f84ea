package io.vigil.cache.api;

import java.util.List;

/** Bodies of the bulk and job endpoints. */
public final class BulkRequests {

    private BulkRequests() {
    }

    public record BulkGet(List<String> keys) {
    }

    public record BulkPut(List<PutItem> entries) {
    }

    /** Exactly one of keys, tags, pattern. */
    public record Invalidate(List<String> keys, List<String> tags, String pattern) {
    }

    /** keys: load each through the namespace's loader; entries: store these values. */
    public record Warm(List<String> keys, List<PutItem> entries) {
    }
}
