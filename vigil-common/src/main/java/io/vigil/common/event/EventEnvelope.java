package io.vigil.common.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The envelope of every entry on a Vigil stream (see ARCHITECTURE.md). Each field is stored as its own stream field so
 * that {@code redis-cli XRANGE} stays readable; the payload is one JSON document.
 *
 * @param id      unique event id; consumers are idempotent on it
 * @param type    e.g. {@code metrics.rollup}, {@code queue.job.failed}
 * @param source  service and instance that published it
 * @param time    when it was published
 * @param version schema version of the payload, raised on incompatible changes
 * @param payload the event body
 */
@RegisterForReflection
public record EventEnvelope(String id, String type, String source, Instant time, int version, JsonNode payload) {

    public static EventEnvelope create(String type, String source, int version, JsonNode payload) {
        return new EventEnvelope(UUID.randomUUID().toString(), type, source, Instant.now(), version, payload);
    }

    public Map<String, String> toFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("type", type);
        fields.put("source", source);
        fields.put("time", time.toString());
        fields.put("version", Integer.toString(version));
        fields.put("payload", payload == null ? "null" : payload.toString());
        return fields;
    }

    /** Reads an entry written by {@link #toFields()}; fails with {@link MalformedEventException} on anything else. */
    public static EventEnvelope fromFields(Map<String, String> fields, ObjectMapper mapper) {
        try {
            return new EventEnvelope(required(fields, "id"), required(fields, "type"), required(fields, "source"),
                    Instant.parse(required(fields, "time")), Integer.parseInt(required(fields, "version")),
                    mapper.readTree(required(fields, "payload")));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new MalformedEventException("malformed event " + fields.keySet() + ": " + e.getMessage(), e);
        }
    }

    public <T> T payloadAs(Class<T> type, ObjectMapper mapper) {
        try {
            return mapper.treeToValue(payload, type);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("payload of " + this.type + " " + id + " is not a " + type.getSimpleName(), e);
        }
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return value;
    }
}
