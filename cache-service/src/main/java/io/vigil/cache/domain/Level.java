package io.vigil.cache.domain;

/** Where a value came from, as reported in {@code X-Cache}. */
public enum Level {
    L1, L2, LOAD, STALE
}
