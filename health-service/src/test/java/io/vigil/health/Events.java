package io.vigil.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.vigil.common.event.Streams;

/** The health.transition events on the stream, as alert-service reads them. */
final class Events {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Event(String id, String type, JsonNode payload) {
        String from() {
            return payload.get("from").asText();
        }

        String to() {
            return payload.get("to").asText();
        }
    }

    static List<Event> of(RedisDataSource redis, String target) {
        List<Event> out = new ArrayList<>();
        for (StreamMessage<String, String, String> m : redis.stream(String.class, String.class, String.class)
                .xrange(Streams.HEALTH_TRANSITION, io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))) {
            Map<String, String> f = m.payload();
            try {
                JsonNode payload = MAPPER.readTree(f.get("payload"));
                if (payload.get("target").asText().equals(target)) {
                    out.add(new Event(f.get("id"), f.get("type"), payload));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static List<String> changes(RedisDataSource redis, String target) {
        return of(redis, target).stream().map(e -> e.from() + "->" + e.to()).toList();
    }

    private Events() {
    }
}
