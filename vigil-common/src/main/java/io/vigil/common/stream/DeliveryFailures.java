package io.vigil.common.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.vigil.common.redis.LuaScript;

/**
 * Why deliveries of a group's pending entries failed, kept beside Redis's own delivery counter (which counts every
 * delivery): per entry id, how many deliveries were excused (a dependency outage, or a copy busy at another member),
 * how many handler failures were the entry's own (poison), and the last such error. One HASH per group and stream,
 * {@code vigil:deliveries:{group}:<stream>}: every command touches that one key, so it works on Redis Cluster.
 */
final class DeliveryFailures {

    /** What is known about one pending entry's failed deliveries. */
    record Counts(long excused, long poison, String lastError) {
    }

    private static final LuaScript RECORD = LuaScript.load("vigil-lua/delivery_failure.lua");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_LENGTH = 300;

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final String key;
    private final long ttlMs;

    DeliveryFailures(ReactiveRedisDataSource redis, String stream, String group, Duration ttl) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.key = key(stream, group);
        this.ttlMs = ttl.toMillis();
    }

    static String key(String stream, String group) {
        return "vigil:deliveries:{" + group + "}:" + stream;
    }

    /** This delivery failed for a reason outside the entry: it does not count toward max-deliveries. */
    void excused(String id) {
        record(id, "excused", "");
    }

    /** The handler failed on this entry for a reason of its own. */
    void poison(String id, Throwable failure) {
        String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        record(id, "poison", error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error);
    }

    Counts of(String id) {
        Map<String, String> values = hashes.hmget(key, id + ":excused", id + ":poison", id + ":error")
                .await().atMost(TIMEOUT);
        return new Counts(number(values.get(id + ":excused")), number(values.get(id + ":poison")),
                values.get(id + ":error"));
    }

    /** The entry is acknowledged or dead-lettered: nothing more to remember about it. */
    void clear(String id) {
        hashes.hdel(key, id + ":excused", id + ":poison", id + ":error").await().atMost(TIMEOUT);
    }

    private void record(String id, String kind, String error) {
        RECORD.run(redis, List.of(key), List.of(id, kind, error, Long.toString(ttlMs))).await().atMost(TIMEOUT);
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }
}
