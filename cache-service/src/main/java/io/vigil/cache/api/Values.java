package io.vigil.cache.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.Lookup;
import io.vigil.cache.domain.Names;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.domain.NewValue;
import io.vigil.common.problem.ProblemException;

/** Turns request bodies into validated {@link NewValue}s and entries into JSON views. */
@ApplicationScoped
public class Values {

    static final String JSON = "application/json";

    private final ObjectMapper mapper;
    private final CacheServiceConfig config;

    public Values(ObjectMapper mapper, CacheServiceConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    public int maxBatch() {
        return config.maxBatch();
    }

    /** A raw PUT body: JSON content types must parse. */
    public NewValue raw(String field, String key, byte[] body, String contentType, Long ttlMs, List<String> tags,
            NamespaceSettings settings) {
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        checkSize(field, body);
        if (isJson(type)) {
            try {
                mapper.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ProblemException.invalid(field, "is not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw ProblemException.invalid(field, "is not valid JSON");
            }
        }
        return new NewValue(Names.key("key", key), body, type, tags(tags), ttl(ttlMs, settings));
    }

    public List<NewValue> items(String field, List<PutItem> items, NamespaceSettings settings, int max) {
        if (items == null || items.isEmpty()) {
            throw ProblemException.invalid(field, "must not be empty");
        }
        if (items.size() > max) {
            throw ProblemException.invalid(field, "at most " + max + " entries");
        }
        List<NewValue> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(item(field + "[" + i + "]", items.get(i), settings));
        }
        return out;
    }

    private NewValue item(String field, PutItem item, NamespaceSettings settings) {
        if (item == null) {
            throw ProblemException.invalid(field, "must not be null");
        }
        Names.key(field + ".key", item.key());
        byte[] bytes;
        String type;
        if (item.base64() != null) {
            if (item.value() != null) {
                throw ProblemException.invalid(field, "give value or base64, not both");
            }
            try {
                bytes = Base64.getDecoder().decode(item.base64());
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid(field + ".base64", "is not valid base64: " + e.getMessage());
            }
            type = item.contentType() == null ? "application/octet-stream" : item.contentType();
        } else if (item.value() != null) {
            try {
                bytes = mapper.writeValueAsBytes(item.value());
            } catch (IOException e) {
                throw ProblemException.invalid(field + ".value", e.getMessage());
            }
            type = JSON;
        } else {
            throw ProblemException.invalid(field, "needs value (JSON) or base64 (bytes)");
        }
        checkSize(field, bytes);
        List<String> tags = item.tags() == null ? List.of() : item.tags();
        for (int i = 0; i < tags.size(); i++) {
            Names.key(field + ".tags[" + i + "]", tags.get(i));
        }
        Long ttl = item.ttlMs();
        if (ttl != null && (ttl <= 0 || ttl > settings.maxTtlMs())) {
            throw ProblemException.invalid(field + ".ttlMs", "must be 1.." + settings.maxTtlMs());
        }
        return new NewValue(item.key(), bytes, type, List.copyOf(tags), ttl(ttl, settings));
    }

    public List<String> tags(List<String> tags) {
        List<String> out = new ArrayList<>();
        if (tags != null) {
            for (String t : tags) {
                for (String one : t.split(",")) {
                    if (!one.isBlank()) {
                        out.add(Names.key("tags", one.trim()));
                    }
                }
            }
        }
        return out;
    }

    private long ttl(Long ttlMs, NamespaceSettings settings) {
        if (ttlMs == null) {
            return settings.defaultTtlMs();
        }
        if (ttlMs <= 0 || ttlMs > settings.maxTtlMs()) {
            throw ProblemException.invalid("ttlMs", "must be 1.." + settings.maxTtlMs()
                    + " (the namespace's maxTtlMs)");
        }
        return ttlMs;
    }

    private void checkSize(String field, byte[] bytes) {
        if (bytes.length > config.maxValueBytes()) {
            throw new ProblemException(413, "Payload too large", field + ": value of " + bytes.length
                    + " bytes exceeds the limit of " + config.maxValueBytes() + " bytes",
                    List.of(new io.vigil.common.problem.Problem.FieldError(field, "at most " + config.maxValueBytes()
                            + " bytes")));
        }
    }

    public EntryView view(String key, Lookup l, boolean withMeta) {
        Entry e = l.entry();
        JsonNode json = null;
        String b64 = null;
        if (isJson(e.contentType())) {
            try {
                json = mapper.readTree(e.value());
            } catch (IOException bad) {
                b64 = Base64.getEncoder().encodeToString(e.value());
            }
        } else {
            b64 = Base64.getEncoder().encodeToString(e.value());
        }
        long ttl = Math.max(0, e.expireAtMs() - System.currentTimeMillis());
        if (!withMeta) {
            return new EntryView(null, json, b64, e.contentType(), l.level().name(), ttl, null, e.etag(), null, null,
                    null, l.staleReason());
        }
        return new EntryView(key, null, null, e.contentType(), l.level().name(), ttl, e.tags(), e.etag(),
                e.value().length, e.storedBytes(), e.storedBytes() < e.value().length, l.staleReason());
    }

    static boolean isJson(String type) {
        String t = type.toLowerCase();
        int semi = t.indexOf(';');
        String base = (semi < 0 ? t : t.substring(0, semi)).trim();
        return base.equals(JSON) || base.endsWith("+json");
    }
}
