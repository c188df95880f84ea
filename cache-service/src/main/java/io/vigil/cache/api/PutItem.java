package io.vigil.cache.api;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a bulk put or warm: either {@code value} (any JSON, stored as application/json) or {@code base64}
 * (opaque bytes, with their {@code contentType}).
 */
public record PutItem(String key, JsonNode value, String base64, String contentType, Long ttlMs, List<String> tags) {
}
