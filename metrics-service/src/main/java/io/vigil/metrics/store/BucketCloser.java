package io.vigil.metrics.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;


import io.vigil.common.redis.Pipelines;
import io.vigil.common.redis.RedisHashes;
import io.vigil.common.schedule.OncePerInterval;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.EventPublisher;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.stream.RollupEvent;

/**
 * Closes buckets once they are past their end plus the late-arrival grace: one replica claims each bucket
 * ({@code claim_buckets.lua}), persists its rollups to MongoDB, publishes one {@code metrics.rollup} per series and only
 * then releases the claim. A replica dying mid-close leaves the claim to expire, and another replica closes it again
 * (the upsert and the deterministic event id make that idempotent). A series' rollup is published again only when
 * its totals changed since the last one published for it.
 */
@ApplicationScoped
public class BucketCloser {

    private static final int CLAIM_LIMIT = 50;

    private final Redis redis;
    private final BucketReader reader;
    private final RollupStore store;
    private final EventPublisher publisher;
    private final MetricsConfig config;
    private final OncePerInterval.Task forget;

    public BucketCloser(Redis redis, BucketReader reader, RollupStore store, EventPublisher publisher,
            MetricsConfig config, OncePerInterval once) {
        this.redis = redis;
        this.reader = reader;
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.forget = once.task("metrics-close-counter-purge", config.retention().purgeInterval());
    }

    @Scheduled(every = "${vigil.metrics.close-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeDue() {
        for (Resolution res : Resolution.ALL) {
            try {
                closeDue(res);
            } catch (RuntimeException e) {
                Log.warnf("closing %s buckets: %s", res.label(), e.getMessage());
            }
        }
    }

    /** Closes every due bucket of one resolution; returns how many were closed. */
    public int closeDue(Resolution res) {
        int closed = 0;
        while (true) {
            List<Long> claimed = claim(res);
            for (long start : claimed) {
                close(res, start);
                closed++;
            }
            if (claimed.size() < CLAIM_LIMIT) {
                return closed;
            }
        }
    }

    private List<Long> claim(Resolution res) {
        long nowMs = System.currentTimeMillis();
        long latestStart = nowMs / 1000 - res.seconds() - config.lateGrace().toSeconds();
        Response reply = redis.sendAndAwait(Request.cmd(Command.EVAL).arg(LuaScripts.CLAIM_BUCKETS).arg(2)
                .arg(RedisKeys.open(res)).arg(RedisKeys.closing(res)).arg(latestStart)
                .arg(nowMs + config.closeLease().toMillis()).arg(nowMs).arg(CLAIM_LIMIT));
        List<Long> starts = new ArrayList<>();
        for (Response r : reply) {
            starts.add(Long.parseLong(r.toString()));
        }
        return starts;
    }

    /** Forgets close counters of buckets past retention (their rollups are purged from MongoDB too); one replica. */
    @Scheduled(every = "${vigil.metrics.retention.purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetExpiredCloseCounters() {
        forget.run(this::forgetExpiredCloseCountersNow);
    }

    void forgetExpiredCloseCountersNow() {
        long now = System.currentTimeMillis() / 1000;
        for (Resolution res : Resolution.ALL) {
            long oldest = now - store.retention(res).toSeconds();
            List<Request> deletes = new ArrayList<>();
            Request hdel = Request.cmd(Command.HDEL).arg(RedisKeys.closedVersions(res));
            int n = 0;
            for (String start : RedisHashes.toMap(redis.sendAndAwait(
                    Request.cmd(Command.HGETALL).arg(RedisKeys.closedVersions(res)))).keySet()) {
                if (!start.equals(RedisKeys.CLOSED_EPOCH) && Long.parseLong(start) < oldest) {
                    hdel.arg(start);
                    n++;
                }
            }
            if (n > 0) {
                deletes.add(hdel);
                Pipelines.run(redis, deletes);
            }
        }
    }

    private void close(Resolution res, long start) {
        List<Rollup> rollups = reader.read(res, Set.of(start), Optional.empty());
        store.upsert(rollups);
        // A bucket is closed again when a late sample (or a writer's "open again" after its merge) put it back in the
        // open set; only the series whose totals changed since their last published rollup get a new event.
        Map<String, String> published = RedisHashes.toMap(
                redis.sendAndAwait(Request.cmd(Command.HGETALL).arg(RedisKeys.published(res, start))));
        List<EventEnvelope> events = new ArrayList<>(rollups.size());
        Request record = Request.cmd(Command.HSET).arg(RedisKeys.published(res, start));
        for (Rollup r : rollups) {
            String identity = r.key().id() + "@" + res.label() + ":" + start + ":" + r.count() + ":" + r.maxMs();
            String id = UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
            if (!id.equals(published.get(r.key().id()))) {
                events.add(publisher.envelope(id, RollupEvent.TYPE, RollupEvent.VERSION, RollupEvent.of(r)));
                record.arg(r.key().id()).arg(id);
            }
        }
        publisher.publishAll(Streams.METRICS_ROLLUP, events);
        // Closed: keep the hashes only as long as late samples may still reopen the bucket.
        long closedTtl = config.maxSampleAge().toSeconds() + 2 * config.lateGrace().toSeconds() + 120;
        List<Request> release = new ArrayList<>();
        for (Rollup r : rollups) {
            release.add(Request.cmd(Command.EXPIRE).arg(RedisKeys.bucket(r.key().id(), res, start)).arg(closedTtl));
        }
        release.add(Request.cmd(Command.EXPIRE).arg(RedisKeys.bucketSeries(res, start)).arg(closedTtl));
        if (!events.isEmpty()) {
            release.add(record); // after the events: a closer dying in between publishes the same ids again
        }
        release.add(Request.cmd(Command.EXPIRE).arg(RedisKeys.published(res, start)).arg(closedTtl));
        release.add(Request.cmd(Command.HSETNX).arg(RedisKeys.closedVersions(res)).arg(RedisKeys.CLOSED_EPOCH)
                .arg(UUID.randomUUID().toString()));
        release.add(Request.cmd(Command.HINCRBY).arg(RedisKeys.closedVersions(res)).arg(start).arg(1));
        release.add(Request.cmd(Command.ZREM).arg(RedisKeys.closing(res)).arg(start));
        Pipelines.run(redis, release);
        Log.debugf("closed %s bucket %d: %d series", res.label(), start, rollups.size());
    }
}
