package io.vigil.alert.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.LuaScript;
import io.vigil.common.redis.Pipelines;

/** The evaluation state replicas share in Redis (see {@link RedisKeys}): recent series values, event counts, last seen. */
@ApplicationScoped
public class SeriesStore {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final LuaScript OBSERVE = LuaScript.load("lua/observe.lua");
    private static final LuaScript COUNT = LuaScript.load("lua/count_event.lua");

    private final ReactiveRedisDataSource reactive;
    private final RedisDataSource redis;

    public SeriesStore(ReactiveRedisDataSource reactive, RedisDataSource redis) {
        this.reactive = reactive;
        this.redis = redis;
    }

    /** Stores {@code field → value} in {@code key} and returns the fields left after dropping those older than minTime. */
    public Map<String, String> observe(String key, String field, String value, long minTime, long ttlMs) {
        Response r = OBSERVE.run(reactive, List.of(key), List.of(field, value, Long.toString(minTime),
                Long.toString(ttlMs))).await().atMost(TIMEOUT);
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < r.size(); i += 2) {
            out.put(r.get(i).toString(), r.get(i + 1).toString());
        }
        return out;
    }

    /** One {@link #observe} call of a batch. */
    public record Observe(String key, String field, String value, long minTime, long ttlMs) {
    }

    /**
     * Many {@link #observe} calls pipelined, applied in order per series (a batch of stream entries). Each call touches
     * one series key; on Redis Cluster the batch goes as one pipeline per slot.
     */
    public List<Map<String, String>> observeAll(List<Observe> calls) {
        if (calls.isEmpty()) {
            return List.of();
        }
        List<Request> requests = new ArrayList<>(calls.size());
        for (Observe c : calls) {
            requests.add(Request.cmd(Command.EVAL).arg(OBSERVE.source()).arg(1).arg(c.key()).arg(c.field())
                    .arg(c.value()).arg(c.minTime()).arg(c.ttlMs()));
        }
        List<Response> responses = Pipelines.run(reactive.getRedis(), requests, TIMEOUT);
        List<Map<String, String>> out = new ArrayList<>(responses.size());
        for (Response r : responses) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i + 1 < r.size(); i += 2) {
                m.put(r.get(i).toString(), r.get(i + 1).toString());
            }
            out.add(m);
        }
        return out;
    }

    /** Adds one event and counts the events since each of {@code from} (ms). */
    public long[] countEvent(String key, String eventId, long timeMs, long maxWindowMs, List<Long> from) {
        List<String> args = new ArrayList<>(List.of(eventId, Long.toString(timeMs), Long.toString(maxWindowMs)));
        from.forEach(f -> args.add(Long.toString(f)));
        Response r = COUNT.run(reactive, List.of(key), args).await().atMost(TIMEOUT);
        long[] counts = new long[r.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = r.get(i).toLong();
        }
        return counts;
    }

    public void markSeen(Map<String, Long> seen) {
        Map<String, String> values = new HashMap<>();
        seen.forEach((k, v) -> values.put(k, Long.toString(v)));
        redis.hash(String.class).hset(RedisKeys.SEEN, values);
    }

    public Map<String, Long> seen() {
        Map<String, Long> out = new HashMap<>();
        redis.hash(String.class).hgetall(RedisKeys.SEEN).forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    /** Takes or renews the scheduler lock. */
    public boolean holdLock(String key, String holder, long leaseMs) {
        return LOCK.run(reactive, List.of(key), List.of(holder, Long.toString(leaseMs))).await().atMost(TIMEOUT)
                .toLong() == 1;
    }

    private static final LuaScript LOCK = LuaScript.load("lua/renew_lock.lua");
}
