package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.common.redis.Pipelines;
import io.vigil.common.redis.RedisHashes;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey;

/** Reads the buckets that are still open (or being closed) straight from Redis, in three pipelined round trips. */
@ApplicationScoped
public class BucketReader {

    private final Redis redis;

    public BucketReader(Redis redis) {
        this.redis = redis;
    }

    /** Starts (epoch s) in {@code [from, to)} whose data is in Redis rather than (completely) in MongoDB. */
    public Set<Long> unpersistedStarts(Resolution res, long from, long to) {
        List<Response> replies = Pipelines.run(redis, List.of(
                Request.cmd(Command.ZRANGEBYSCORE).arg(RedisKeys.open(res)).arg(from).arg("(" + to),
                Request.cmd(Command.ZRANGE).arg(RedisKeys.closing(res)).arg(0).arg(-1)));
        Set<Long> starts = new TreeSet<>();
        for (Response reply : replies) {
            for (Response member : reply) {
                long start = Long.parseLong(member.toString());
                if (start >= from && start < to) {
                    starts.add(start);
                }
            }
        }
        return starts;
    }

    public List<Rollup> read(Resolution res, Set<Long> starts, Optional<String> service) {
        List<Rollup> out = new ArrayList<>();
        if (starts.isEmpty()) {
            return out;
        }
        List<Long> order = new ArrayList<>(starts);
        List<Request> members = new ArrayList<>();
        for (long start : order) {
            members.add(Request.cmd(Command.SMEMBERS).arg(RedisKeys.bucketSeries(res, start)));
        }
        List<Response> memberReplies = Pipelines.run(redis, members);
        List<Request> reads = new ArrayList<>();
        List<SeriesKey> keys = new ArrayList<>();
        List<Long> keyStarts = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            for (Response id : memberReplies.get(i)) {
                SeriesKey key = SeriesKey.parse(id.toString());
                if (service.isPresent() && !service.get().equals(key.service())) {
                    continue;
                }
                keys.add(key);
                keyStarts.add(order.get(i));
                reads.add(Request.cmd(Command.HGETALL).arg(RedisKeys.bucket(key.id(), res, order.get(i))));
            }
        }
        if (reads.isEmpty()) {
            return out;
        }
        List<Response> hashes = Pipelines.run(redis, reads);
        for (int i = 0; i < hashes.size(); i++) {
            var hash = RedisHashes.toMap(hashes.get(i));
            if (!hash.isEmpty()) {
                out.add(Rollup.fromHash(keys.get(i), res, keyStarts.get(i), hash));
            }
        }
        return out;
    }
}
