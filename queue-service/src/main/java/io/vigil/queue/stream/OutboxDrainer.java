package io.vigil.queue.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * trims them only after they are published and archived ({@code trim-outbox.lua}); outcomes are counted only after
 * the trim. A drainer that dies midway leaves its records for the next one once the lock expires. The replayed events
 * keep their ids, derived from the record, so consumers drop them; archiving is an upsert by job id.
 * <p>
 * A record the archive refuses (a document MongoDB will not take) does not hold up the ones behind it: it is parked
 * with its error in the queue's {@code parked} list, counted, and an admin can see and retry it. MongoDB being
 * unreachable parks nothing: the batch is replayed, with a growing pause, until it is back.
 */
@ApplicationScoped
public class OutboxDrainer {

    private static final int BATCH = 500;
    /** Longer than a drain of one batch takes; a drainer that dies holds the outbox this long at most. */
    private static final Duration LOCK_TTL = Duration.ofSeconds(30);
    private static final long MAX_BACKOFF_MS = 8000;

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final QueueRegistry queues;
    private final EventPublisher publisher;
    private final LuaScripts scripts;
    private final ArchiveRepository archive;
    private final QueueMetrics metrics;
    private final ObjectMapper mapper;
    private final QueueServiceConfig config;
    /** Queues whose last drain failed (MongoDB or Redis down): retried later, so a replay is not repeated each tick. */
    private final Map<String, Retry> backoff = new ConcurrentHashMap<>();

    private record Retry(long until, long delayMs) {
        static final Retry NONE = new Retry(0, 0);

        Retry next(long now) {
            long delay = Math.min(MAX_BACKOFF_MS, Math.max(1000, delayMs * 2));
            return new Retry(now + delay, delay);
        }
    }

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
        long now = System.currentTimeMillis();
        Set<String> names = queues.namesOrNone("outbox drain");
        for (String queue : names) {
            if (backoff.getOrDefault(queue, Retry.NONE).until > now) {
                continue;
            }
            try { // one failing queue does not hold up the others
                while (drain(queue) == BATCH) {
                    // keep going while the outbox is full
                }
                backoff.remove(queue);
            } catch (RuntimeException e) {
                Retry next = backoff.getOrDefault(queue, Retry.NONE).next(now);
                backoff.put(queue, next);
                Log.warnf("outbox drain of %s failed, retrying in %d ms: %s", queue, next.delayMs, e.getMessage());
            }
        }
        backoff.keySet().retainAll(names);
    }

    int drain(String queue) {
        QueueKeys keys = QueueKeys.of(queue);
        String token = UUID.randomUUID().toString();
        if (redis.execute(Command.SET, keys.drainLock(), token, "NX", "PX", Long.toString(LOCK_TTL.toMillis())) == null) {
            return 0; // another replica is draining this queue
        }
        try {
            return drainLocked(queue, keys, token);
        } catch (RuntimeException e) {
            try {
                trim(queue, keys, token, 0, List.of()); // releases the lock at once: the next drain replays the batch
            } catch (RuntimeException redisDown) {
                e.addSuppressed(redisDown); // the lock expires by itself
            }
            throw e;
        }
    }

    private int drainLocked(String queue, QueueKeys keys, String token) {
        List<String> records = redis.list(String.class).lrange(keys.outbox(), 0, BATCH - 1);
        if (records.isEmpty()) {
            trim(queue, keys, token, 0, List.of());
            return 0;
        }
        Map<String, List<Integer>> finished = new LinkedHashMap<>();
        List<EventEnvelope> events = new ArrayList<>(records.size());
        List<JsonNode> outcomes = new ArrayList<>(records.size());
        List<Parked> parked = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String record = records.get(i);
            try {
                JsonNode r = mapper.readTree(record);
                String kind = r.path("t").asText();
                String id = r.path("id").asText();
                if (kind.isEmpty() || id.isEmpty()) {
                    throw new IllegalArgumentException("no kind or job id");
                }
                // a parked record retried by an admin: its event was published and counted when it was parked
                if (!"cancelled".equals(kind) && !r.path("archiveOnly").asBoolean()) {
                    outcomes.add(r);
                    events.add(publisher.envelope(eventId(queue, record, r), "queue.job." + kind, JobEvent.VERSION,
                            new JobEvent(queue, id, r.path("att").asInt(), r.path("waitMs").asLong(),
                                    r.path("runMs").asLong(), r.path("error").asText())));
                }
                if (!"failed".equals(kind)) {
                    finished.computeIfAbsent(id, x -> new ArrayList<>()).add(i);
                }
            } catch (Exception e) {
                parked.add(new Parked("", record, "unreadable outbox record: " + e.getMessage()));
            }
        }
        publisher.publishAll(Streams.QUEUE, events);
        if (config.archiveEnabled() && !finished.isEmpty()) {
            parked.addAll(archive(queue, keys, finished, records));
        }
        if (!trim(queue, keys, token, records.size(), parked)) {
            Log.warnf("outbox drain of %s outlived its lock; the next drainer replays %d records", queue, records.size());
            return 0;
        }
        // counted only now that the records are gone from the outbox: a replayed batch counts nothing twice
        for (JsonNode r : outcomes) {
            metrics.outcome(queue, r.path("t").asText(), r.path("waitMs").asLong(), r.path("runMs").asLong());
        }
        if (!parked.isEmpty()) {
            metrics.parked(queue, parked.size());
            parked.forEach(p -> Log.errorf("outbox record of %s parked (admin: GET /api/v1/queues/%s/outbox/parked): %s",
                    queue, queue, p.error()));
        }
        return records.size();
    }

    /** A record the archive refused, with why. */
    private record Parked(String jobId, String record, String error) {
    }

    /**
     * Trims the handled records and releases the lock if this drainer still holds it; then counts the direct enqueues
     * (direct-enqueue.lua) the script took, which no replica saw as a request. False when the lock was lost.
     */
    private boolean trim(String queue, QueueKeys keys, String token, int count, List<Parked> parked) {
        List<String> args = new ArrayList<>(3 + parked.size() * 2);
        args.add(token);
        args.add(Integer.toString(count));
        args.add(keys.prefix());
        for (Parked p : parked) {
            ObjectNode entry = mapper.createObjectNode();
            try {
                entry.set("record", mapper.readTree(p.record()));
            } catch (Exception unreadable) {
                entry.put("record", p.record());
            }
            entry.put("error", p.error());
            entry.put("at", System.currentTimeMillis());
            args.add(p.jobId());
            args.add(entry.toString());
        }
        Response r = scripts.run(LuaScripts.Script.TRIM_OUTBOX,
                List.of(keys.outbox(), keys.drainLock(), keys.parked(), keys.stats()), args)
                .await().atMost(Duration.ofSeconds(10));
        int direct = r.get(1).toInteger();
        if (direct > 0) {
            metrics.enqueued(queue, direct);
        }
        return r.get(0).toInteger() == 1;
    }

    /**
     * The same for every replay of a record and different for every record: job ids are unique for the life of the
     * deployment and n numbers a job's records. (Records written before n existed: the hash of the record.)
     */
    static String eventId(String queue, String record, JsonNode r) {
        String key = r.has("n") ? r.path("id").asText() + '\n' + r.path("n").asLong() : record;
        return UUID.nameUUIDFromBytes((queue + '\n' + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Archives the finished jobs of a batch; returns the records of the jobs the archive refused. MongoDB being
     * unreachable is not a refusal: it fails the drain, which is replayed later, whole.
     */
    private List<Parked> archive(String queue, QueueKeys keys, Map<String, List<Integer>> finished,
            List<String> records) {
        // one pipelined batch rather than a round trip per job
        List<String> ids = new ArrayList<>(finished.keySet());
        List<Request> reads = new ArrayList<>(ids.size());
        ids.forEach(id -> reads.add(Request.cmd(Command.HGETALL).arg(keys.job(id))));
        List<Response> replies = reactive.getRedis().batch(reads).await().atMost(Duration.ofSeconds(10));
        List<Parked> parked = new ArrayList<>();
        Map<ArchivedJob, String> docs = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = RedisHashes.toMap(replies.get(i));
            if (h.isEmpty()) {
                continue; // purged before it was archived
            }
            try {
                docs.put(document(queue, h), ids.get(i));
            } catch (RuntimeException e) {
                parked.addAll(park(ids.get(i), finished, records, "unreadable job hash: " + e));
            }
        }
        try {
            archive.archive(new ArrayList<>(docs.keySet()));
        } catch (RuntimeException batchFailure) {
            if (ArchiveRepository.unavailable(batchFailure)) {
                throw batchFailure;
            }
            // one document spoils the batch: find it, archive the others
            docs.forEach((doc, id) -> {
                try {
                    archive.archive(List.of(doc));
                } catch (RuntimeException e) {
                    if (ArchiveRepository.unavailable(e)) {
                        throw e;
                    }
                    parked.addAll(park(id, finished, records, "archive refused the job: " + e));
                }
            });
        }
        return parked;
    }

    private static List<Parked> park(String id, Map<String, List<Integer>> finished, List<String> records,
            String error) {
        List<Parked> out = new ArrayList<>();
        finished.get(id).forEach(i -> out.add(new Parked(id, records.get(i), error)));
        return out;
    }

    private ArchivedJob document(String queue, Map<String, String> h) {
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
        Instant finishedAt = doc.finishedAt == null ? Instant.now() : doc.finishedAt;
        doc.expireAt = finishedAt.plus(config.archiveRetention());
        return doc;
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
