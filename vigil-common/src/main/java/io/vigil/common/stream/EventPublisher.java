package io.vigil.common.stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.vigil.common.event.EventEnvelope;

/** Publishes events to a Redis stream, trimmed approximately to {@code vigil.streams.max-length}. */
@ApplicationScoped
public class EventPublisher {

    private final StreamCommands<String, String, String> streams;
    private final ObjectMapper mapper;
    private final Instance instance;
    private final long maxLength;

    public EventPublisher(RedisDataSource redis, ObjectMapper mapper, Instance instance, StreamsConfig config) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.mapper = mapper;
        this.instance = instance;
        this.maxLength = config.maxLength();
    }

    /** Wraps the payload in an envelope, appends it and returns the envelope (whose id consumers dedup on). */
    public EventEnvelope publish(String stream, String type, int version, Object payload) {
        EventEnvelope event = EventEnvelope.create(type, instance.source(), version, mapper.valueToTree(payload));
        publish(stream, event);
        return event;
    }

    public String publish(String stream, EventEnvelope event) {
        return streams.xadd(stream, new XAddArgs().maxlen(maxLength).nearlyExactTrimming(), event.toFields());
    }
}
