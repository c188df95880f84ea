package io.vigil.cache.domain;

import java.util.List;

/**
 * One cached value as callers put it (bytes uncompressed) with its content type, tags, version (the id of the
 * invalidation-stream entry its write published, which orders writes and is the ETag) and its logical expiry.
 *
 * @param expireAtMs   when it stops being fresh (epoch ms)
 * @param hardExpireAtMs when Redis drops it: expireAtMs plus the namespace's stale grace
 * @param ttlMs        the TTL it was put with (sliding namespaces extend by this on each read)
 */
public record Entry(byte[] value, String contentType, List<String> tags, String version, long expireAtMs,
        long hardExpireAtMs, long ttlMs, int storedBytes) {

    public boolean fresh(long now) {
        return now < expireAtMs;
    }

    public String etag() {
        return "\"" + version + "\"";
    }

    /** L1 weight: value bytes plus a rough fixed overhead per entry. */
    public int weight() {
        return value.length + 128;
    }
}
