package io.vigil.common.stream;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;

/** Starts consumer-group members and stops them all on shutdown (graceful: unacknowledged entries stay pending). */
@ApplicationScoped
public class StreamConsumers {

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final StreamsConfig config;
    private final Instance instance;
    private final FailureClassifier classifier;
    private final List<StreamGroupReader> started = new CopyOnWriteArrayList<>();

    /** A stream and the consumer group this service reads it in. */
    public record Consumed(String stream, String group) {
    }

    public StreamConsumers(RedisDataSource redis, ReactiveRedisDataSource reactive, ObjectMapper mapper,
            MeterRegistry meters, StreamsConfig config, Instance instance, FailureClassifier classifier) {
        this.redis = redis;
        this.reactive = reactive;
        this.mapper = mapper;
        this.meters = meters;
        this.config = config;
        this.instance = instance;
        this.classifier = classifier;
    }

    /**
     * Joins {@code group} on {@code stream} as this instance; a new group starts with entries added from now on. A group
     * that disappears while running (Redis lost it) is recreated at {@code 0}: entries handled before are dropped as
     * duplicates, entries added meanwhile are not skipped.
     */
    public StreamGroupReader start(String stream, String group, EventHandler handler) {
        return start(stream, group, instance.name(), "$", handler);
    }

    /**
     * Joins {@code group} under an explicit consumer name and handles one event envelope at a time; {@code startId}
     * ("0" for the whole retained stream, "$" for new entries) applies only when the group does not exist at start;
     * a group recreated later always starts at "0".
     */
    public StreamGroupReader start(String stream, String group, String consumerName, String startId,
            EventHandler handler) {
        StreamConsumer.registerOutcomes(meters, stream, group);
        return startBatches(stream, group, consumerName, startId, ReadSettings.from(config),
                new StreamConsumer(reactive, mapper, meters, config, classifier, stream, group, handler));
    }

    /** Joins {@code group} and hands whole batches of raw entries to {@code handler}, which acknowledges them. */
    public StreamGroupReader startBatches(String stream, String group, String consumerName, String startId,
            ReadSettings settings, StreamGroupReader.BatchHandler handler) {
        StreamGroupReader reader = new StreamGroupReader(redis, config.maxLength(), settings, stream, group,
                consumerName, startId, handler);
        started.add(reader);
        // How many of this process's members of the group wait for a dependency that is down (0 or 1 per replica).
        Gauge.builder("vigil.stream.backing.off", this, self -> self.backingOff(stream, group))
                .description("Members of the group in this process retrying an event while a dependency is down")
                .tag("stream", stream).tag("group", group)
                .register(meters);
        reader.start();
        return reader;
    }

    /** Every stream and group this service has joined, in the order joined: whose dead letters it can replay. */
    public List<Consumed> consumed() {
        Set<Consumed> out = new LinkedHashSet<>();
        started.forEach(r -> out.add(new Consumed(r.stream(), r.group())));
        return List.copyOf(out);
    }

    private int backingOff(String stream, String group) {
        return (int) started.stream()
                .filter(r -> r.backingOff() && r.stream().equals(stream) && r.group().equals(group)).count();
    }

    @PreDestroy
    void stopAll() {
        started.forEach(StreamGroupReader::close);
    }
}
