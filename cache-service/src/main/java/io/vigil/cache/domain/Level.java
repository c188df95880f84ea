package io.vigil.cache.domain;

import io.vertx.core.http.HttpHeaders;

/** Where a value came from, as reported in {@code X-Cache}. */
public enum Level {
    L1, L2, LOAD, STALE;

    /** The {@code X-Cache} value, encoded once (a Vert.x AsciiString, written to the wire as is). */
    private final CharSequence header = HttpHeaders.createOptimized(name());

    public CharSequence header() {
        return header;
    }
}
