package io.vigil.common.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

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
    private final List<StreamGroupReader> started = new CopyOnWriteArrayList<>();

    public StreamConsumers(RedisDataSource redis, ReactiveRedisDataSource reactive, ObjectMapper mapper,
            MeterRegistry meters, StreamsConfig config, Instance instance) {
        this.redis = redis;
        this.reactive = reactive;
        this.mapper = mapper;
        this.meters = meters;
        this.config = config;
        this.instance = instance;
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
                new StreamConsumer(reactive, mapper, meters, config, group, handler));
    }

    /** Joins {@code group} and hands whole batches of raw entries to {@code handler}, which acknowledges them. */
    public StreamGroupReader startBatches(String stream, String group, String consumerName, String startId,
            ReadSettings settings, StreamGroupReader.BatchHandler handler) {
        StreamGroupReader reader = new StreamGroupReader(redis, config.maxLength(), settings, stream, group,
                consumerName, startId, handler);
        started.add(reader);
        reader.start();
        return reader;
    }

    @PreDestroy
    void stopAll() {
        started.forEach(StreamGroupReader::close);
    }
}
