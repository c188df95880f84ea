package io.vigil.queue.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.redis.RedisHashes;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.EventPublisher;
import io.vigil.queue.config.QueueServiceConfig;
import io.vigil.queue.metrics.QueueMetrics;
import io.vigil.queue.store.ArchiveRepository;
import io.vigil.queue.store.ArchivedJob;
import io.vigil.queue.store.LuaScripts;
import io.vigil.queue.store.QueueKeys;
import io.vigil.queue.store.QueueRegistry;

/**
 * Drains each queue's outbox (written atomically by the scripts): publishes {@code queue.job.*} events, feeds the
 * metrics and archives finished jobs to MongoDB, so the hot path (ack) never waits on MongoDB or the event stream.
 * <p>
 * At least once: one replica at a time drains a queue (a lock with a TTL), reads records without removing them and
 * trims them only after they are published and archived ({@code trim-outbox.lua}). A drainer that dies midway leaves
 * its records for the next one once the lock expires. The replayed events keep their ids, derived from the record,
 * so consumers drop them; archiving is an upsert by job id.
 */
@ApplicationScoped
public class OutboxDrainer {

    private static final int BATCH = 500;
    /** Longer than a drain of one batch takes; a drainer that dies holds the outbox this long at most. */
    private static final Duration LOCK_TTL = Duration.ofSeconds(30);

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final QueueRegistry queues;
    private final EventPublisher publisher;
    private final LuaScripts scripts;
    private final ArchiveRepository archive;
    private final QueueMetrics metrics;
    private final ObjectMapper mapper;
    private final QueueServiceConfig config;

    public OutboxDrainer(RedisDataSource redis, ReactiveRedisDataSource reactive, QueueRegistry queues,
            EventPublisher publisher, LuaScripts scripts, ArchiveRepository archive, QueueMetrics metrics,
            ObjectMapper mapper, QueueServiceConfig config) {
        this.redis = redis;
        this.reactive = reactive;
        this.queues = queues;
        this.publisher = publisher;
        this.scripts = scripts;
        this.archive = archive;
        this.metrics = metrics;
        this.mapper = mapper;
        this.config = config;
    }

    @Scheduled(every = "${vigil.queue.drain-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void drainAll() {
        try {
            for (String queue : queues.names()) {
                while (drain(queue) == BATCH) {
                    // keep going while the outbox is full
                }
            }
        } catch (RuntimeException e) {
            Log.debugf("outbox drain failed: %s", e.getMessage());
        }
    }

    int drain(String queue) {
        QueueKeys keys = QueueKeys.of(queue);
        String token = UUID.randomUUID().toString();
        if (redis.execute(Command.SET, keys.drainLock(), token, "NX", "PX", Long.toString(LOCK_TTL.toMillis())) == null) {
            return 0; // another replica is draining this queue
        }
        List<String> records = redis.list(String.class).lrange(keys.outbox(), 0, BATCH - 1);
        if (records.isEmpty()) {
            redis.key().del(keys.drainLock());
            return 0;
        }
        List<String> finishedIds = new ArrayList<>();
        List<EventEnvelope> events = new ArrayList<>(records.size());
        for (String record : records) {
            try {
                JsonNode r = mapper.readTree(record);
                String kind = r.path("t").asText();
                String id = r.path("id").asText();
                long waitMs = r.path("waitMs").asLong();
                long runMs = r.path("runMs").asLong();
                if (!"cancelled".equals(kind)) {
                    metrics.outcome(queue, kind, waitMs, runMs);
                    events.add(publisher.envelope(eventId(queue, record), "queue.job." + kind, JobEvent.VERSION,
                            new JobEvent(queue, id, r.path("att").asInt(), waitMs, runMs, r.path("error").asText())));
                }
                if (!"failed".equals(kind)) {
                    finishedIds.add(id);
                }
            } catch (Exception e) {
                Log.warnf("skipping bad outbox record of %s: %s (%s)", queue, record, e.getMessage());
            }
        }
        publisher.publishAll(Streams.QUEUE, events);
        if (config.archiveEnabled() && !finishedIds.isEmpty()) {
            archive(queue, keys, finishedIds);
        }
        Response trimmed = scripts.run(LuaScripts.Script.TRIM_OUTBOX, List.of(keys.outbox(), keys.drainLock()),
                List.of(token, Integer.toString(records.size()))).await().atMost(Duration.ofSeconds(10));
        if (trimmed.toInteger() == 0) {
            Log.warnf("outbox drain of %s outlived its lock; the next drainer replays %d records", queue, records.size());
            return 0;
        }
        return records.size();
    }

    /** Each outbox record is unique (job, attempt, outcome, timings), so its hash names its event across replays. */
    static String eventId(String queue, String record) {
        return UUID.nameUUIDFromBytes((queue + '\n' + record).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void archive(String queue, QueueKeys keys, List<String> ids) {
        // one pipelined batch rather than a round trip per job
        List<Request> reads = new ArrayList<>(ids.size());
        ids.forEach(id -> reads.add(Request.cmd(Command.HGETALL).arg(keys.job(id))));
        List<Response> replies = reactive.getRedis().batch(reads).await().atMost(Duration.ofSeconds(10));
        List<Map<String, String>> hashes = new ArrayList<>(replies.size());
        for (Response reply : replies) {
            hashes.add(RedisHashes.toMap(reply));
        }
        List<ArchivedJob> docs = new ArrayList<>(hashes.size());
        for (Map<String, String> h : hashes) {
            if (h.isEmpty()) {
                continue; // purged before it was archived
            }
            ArchivedJob doc = new ArchivedJob();
            doc.jobId = h.get("id");
            doc.id = queue + "/" + doc.jobId;
            doc.queue = queue;
            doc.state = h.get("state");
            doc.priority = parseInt(h.get("pri"));
            doc.attempts = parseInt(h.get("att"));
            doc.maxAttempts = parseInt(h.get("max"));
            doc.group = blankToNull(h.get("group"));
            doc.idempotencyKey = blankToNull(h.get("idem"));
            doc.payload = h.get("payload");
            doc.result = blankToNull(h.get("result"));
            doc.lastError = blankToNull(h.get("error"));
            doc.enqueuedAt = instant(h.get("created"));
            doc.leasedAt = instant(h.get("leased"));
            doc.finishedAt = instant(h.get("finished"));
            Instant finished = doc.finishedAt == null ? Instant.now() : doc.finishedAt;
            doc.expireAt = finished.plus(config.archiveRetention());
            docs.add(doc);
        }
        archive.archive(docs);
    }

    private static int parseInt(String s) {
        return s == null || s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static Instant instant(String ms) {
        return ms == null || ms.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(ms));
    }
}
