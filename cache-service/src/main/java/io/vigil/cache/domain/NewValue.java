package io.vigil.cache.domain;

import java.util.List;

/** A value to store: validated, uncompressed bytes with their content type. */
public record NewValue(String key, byte[] value, String contentType, List<String> tags, long ttlMs) {
}
