package io.vigil.common.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.common.event.EventEnvelope;

/** Publishes events to a Redis stream, trimmed approximately to {@code vigil.streams.max-length}. */
@ApplicationScoped
public class EventPublisher {

    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(10);

    private final StreamCommands<String, String, String> streams;
    private final ReactiveRedisDataSource reactive;
    private final ObjectMapper mapper;
    private final Instance instance;
    private final long maxLength;

    public EventPublisher(RedisDataSource redis, ReactiveRedisDataSource reactive, ObjectMapper mapper,
            Instance instance, StreamsConfig config) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.reactive = reactive;
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

    /**
     * An envelope from this instance with a caller-chosen id: an event that may be published again after a crash
     * (from an outbox, say) keeps its id, so consumers drop the replay.
     */
    public EventEnvelope envelope(String id, String type, int version, Object payload) {
        return new EventEnvelope(id, type, instance.source(), Instant.now(), version, mapper.valueToTree(payload));
    }

    /** Appends many events in one pipelined round trip, in order. */
    public void publishAll(String stream, List<EventEnvelope> events) {
        publishAll(stream, events, maxLength);
    }

    /** Same, for a stream with its own (approximate) length cap, e.g. a high-rate stream only read live. */
    public void publishAll(String stream, List<EventEnvelope> events, long maxLength) {
        if (events.isEmpty()) {
            return;
        }
        List<Request> xadds = new ArrayList<>(events.size());
        for (EventEnvelope event : events) {
            Request xadd = Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLength).arg("*");
            for (Map.Entry<String, String> field : event.toFields().entrySet()) {
                xadd.arg(field.getKey()).arg(field.getValue());
            }
            xadds.add(xadd);
        }
        reactive.getRedis().batch(xadds).await().atMost(BATCH_TIMEOUT);
    }
}
