package io.vigil.queue.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.stream.Instance;
import io.vigil.common.stream.StreamsConfig;

/**
 * Publishes many events in one Redis batch (pipelined XADDs, same envelope and MAXLEN ~ trimming as vigil-common's
 * EventPublisher). The drainer emits one event per finished attempt; a blocking round trip each was its bottleneck.
 */
@ApplicationScoped
public class BatchEventPublisher {

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final Instance instance;
    private final String maxLength;

    public BatchEventPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, Instance instance,
            StreamsConfig config) {
        this.redis = redis;
        this.mapper = mapper;
        this.instance = instance;
        this.maxLength = Long.toString(config.maxLength());
    }

    public record Event(String type, int version, Object payload) {
    }

    public void publishAll(String stream, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        List<Request> requests = new ArrayList<>(events.size());
        for (Event event : events) {
            EventEnvelope envelope = EventEnvelope.create(event.type(), instance.source(), event.version(),
                    mapper.valueToTree(event.payload()));
            Request xadd = Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLength).arg("*");
            for (Map.Entry<String, String> field : envelope.toFields().entrySet()) {
                xadd.arg(field.getKey()).arg(field.getValue());
            }
            requests.add(xadd);
        }
        redis.getRedis().batch(requests).await().atMost(java.time.Duration.ofSeconds(10));
    }
}
