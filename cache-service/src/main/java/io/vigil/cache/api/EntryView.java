package io.vigil.cache.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An entry in JSON answers (bulk get, metadata): JSON values as {@code value}, others as {@code base64}.
 *
 * @param level where it came from: L1, L2, LOAD or STALE
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntryView(String key, JsonNode value, String base64, String contentType, String level, Long ttlMs,
        List<String> tags, String etag, Integer sizeBytes, Integer storedBytes, Boolean compressed, String stale) {

    public record Bulk(java.util.Map<String, EntryView> entries, List<String> missing) {
    }
}
