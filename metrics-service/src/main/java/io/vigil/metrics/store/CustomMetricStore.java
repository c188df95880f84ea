package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.common.redis.Pipelines;
import io.vigil.common.redis.RedisHashes;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.problem.ProblemException;
import io.vigil.metrics.api.CustomMetric;
import io.vigil.metrics.api.CustomMetricValue;

/**
 * Custom business metrics in Redis, shared by all replicas: counters add with HINCRBYFLOAT, gauges overwrite with
 * HSET; the field is the metric's labels as canonical (sorted) JSON. A name keeps the type it was first used with.
 */
@ApplicationScoped
public class CustomMetricStore {

    private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
    };

    private final Redis redis;
    private final ObjectMapper mapper;

    public CustomMetricStore(Redis redis, ObjectMapper mapper) {
        this.redis = redis;
        this.mapper = mapper;
    }

    public void apply(List<CustomMetric> updates) {
        List<Request> types = new ArrayList<>();
        for (CustomMetric m : updates) {
            types.add(Request.cmd(Command.HSETNX).arg(RedisKeys.CUSTOM_TYPES).arg(m.name()).arg(m.type()));
            types.add(Request.cmd(Command.HGET).arg(RedisKeys.CUSTOM_TYPES).arg(m.name()));
        }
        List<Response> replies = Pipelines.run(redis, types);
        List<Request> writes = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            CustomMetric m = updates.get(i);
            String existing = replies.get(2 * i + 1).toString();
            if (!existing.equals(m.type())) {
                throw ProblemException.invalid("[" + i + "].type", m.name() + " is a " + existing);
            }
            String field = labels(m.labels());
            Command cmd = m.type().equals("counter") ? Command.HINCRBYFLOAT : Command.HSET;
            writes.add(Request.cmd(cmd).arg(RedisKeys.custom(m.name())).arg(field).arg(m.value().toString()));
        }
        Pipelines.run(redis, writes);
    }

    public List<CustomMetricValue> list(String name) {
        Response types = redis.sendAndAwait(Request.cmd(Command.HGETALL).arg(RedisKeys.CUSTOM_TYPES));
        Map<String, String> all = new TreeMap<>(RedisHashes.toMap(types));
        List<CustomMetricValue> out = new ArrayList<>();
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (name != null && !name.equals(e.getKey())) {
                continue;
            }
            Map<String, String> series = RedisHashes.toMap(
                    redis.sendAndAwait(Request.cmd(Command.HGETALL).arg(RedisKeys.custom(e.getKey()))));
            for (Map.Entry<String, String> s : new TreeMap<>(series).entrySet()) {
                out.add(new CustomMetricValue(e.getKey(), e.getValue(), parse(s.getKey()),
                        Double.parseDouble(s.getValue())));
            }
        }
        return out;
    }

    private String labels(Map<String, String> labels) {
        try {
            return mapper.writeValueAsString(labels == null ? Map.of() : new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> parse(String json) {
        try {
            return mapper.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
