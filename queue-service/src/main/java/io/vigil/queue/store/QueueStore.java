package io.vigil.queue.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.Pipelines;
import io.vigil.common.redis.RedisHashes;
import io.vigil.queue.domain.Enqueued;
import io.vigil.queue.domain.JobState;
import io.vigil.queue.domain.Lease;
import io.vigil.queue.domain.NewJob;
import io.vigil.queue.domain.QueueCounts;
import io.vigil.queue.domain.QueueSettings;
import io.vigil.queue.domain.QueueSummary;
import io.vigil.queue.store.LuaScripts.Script;

/** Job operations of a queue, each one Lua script (one round trip, atomic). */
@ApplicationScoped
public class QueueStore {

    private static final java.time.Duration PIPELINE_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final LuaScripts scripts;
    private final QueueRegistry registry;
    private final ReactiveRedisDataSource redis;

    public QueueStore(LuaScripts scripts, QueueRegistry registry, ReactiveRedisDataSource redis) {
        this.scripts = scripts;
        this.registry = registry;
        this.redis = redis;
    }

    public Uni<List<Enqueued>> enqueue(String queue, List<NewJob> jobs) {
        QueueKeys k = QueueKeys.of(queue);
        List<String> args = new ArrayList<>(3 + jobs.size() * 8);
        args.add(k.prefix());
        args.add(newIncarnation());
        args.add(Integer.toString(jobs.size()));
        for (NewJob job : jobs) {
            args.add(job.idempotencyKey());
            args.add(Integer.toString(job.priority()));
            args.add(Long.toString(job.delayMs()));
            args.add(Long.toString(job.runAtMs()));
            args.add(Integer.toString(job.maxAttempts()));
            args.add(Long.toString(job.timeoutMs()));
            args.add(job.group());
            args.add(job.payload());
        }
        List<String> keys = List.of(k.meta(), k.seq(), k.waiting(), k.waitAge(), k.delayed(), k.stats());
        return withQueue(queue, () -> scripts.run(Script.ENQUEUE, keys, args)).map(r -> {
            List<Enqueued> out = new ArrayList<>(jobs.size());
            for (int i = 0; i + 2 < r.size(); i += 3) {
                out.add(new Enqueued(r.get(i).toString(), r.get(i + 2).toString(), r.get(i + 1).toInteger() == 1));
            }
            return out;
        });
    }

    public Uni<List<Lease>> lease(String queue, int count, long visibilityMs) {
        QueueKeys k = QueueKeys.of(queue);
        String tokenBase = Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        List<String> keys = List.of(k.meta(), k.waiting(), k.waitAge(), k.active(), k.limiter(), k.groupsLimited(),
                k.seq());
        List<String> args = List.of(k.prefix(), Integer.toString(count), Long.toString(visibilityMs), tokenBase);
        return withQueue(queue, () -> scripts.run(Script.LEASE, keys, args)).map(r -> {
            List<Lease> out = new ArrayList<>(r.size() / 9);
            for (int i = 0; i + 8 < r.size(); i += 9) {
                out.add(new Lease(r.get(i).toString(), r.get(i + 1).toString(), r.get(i + 2).toLong(),
                        r.get(i + 3).toInteger(), r.get(i + 4).toInteger(), r.get(i + 5).toInteger(),
                        r.get(i + 6).toString(), r.get(i + 7).toLong(), r.get(i + 8).toString()));
            }
            return out;
        });
    }

    /** @param acks per ack: id, token, result JSON ("" = none); returns one status per ack */
    public Uni<List<String>> ack(String queue, List<String[]> acks) {
        QueueKeys k = QueueKeys.of(queue);
        List<String> args = new ArrayList<>(2 + acks.size() * 3);
        args.add(k.prefix());
        args.add(Integer.toString(acks.size()));
        for (String[] ack : acks) {
            args.add(ack[0]);
            args.add(ack[1]);
            args.add(ack[2]);
        }
        List<String> keys = List.of(k.active(), k.completed(), k.cancelled(), k.outbox(), k.stats());
        return registry.require(queue).chain(() -> scripts.run(Script.ACK, keys, args)).map(QueueStore::strings);
    }

    /** Returns {status, state, retryAtMs}. */
    public Uni<List<String>> nack(String queue, String id, String token, String error, boolean deadLetter) {
        QueueKeys k = QueueKeys.of(queue);
        List<String> keys = List.of(k.meta(), k.active(), k.delayed(), k.waiting(), k.waitAge(), k.dead(),
                k.cancelled(), k.outbox(), k.stats());
        List<String> args = List.of(k.prefix(), id, token, error,
                Double.toString(ThreadLocalRandom.current().nextDouble()), deadLetter ? "1" : "0");
        return registry.require(queue).chain(() -> scripts.run(Script.NACK, keys, args)).map(QueueStore::strings);
    }

    /** Returns {status, deadlineMs, cancelRequested}. */
    public Uni<List<String>> extend(String queue, String id, String token, long extendMs) {
        QueueKeys k = QueueKeys.of(queue);
        return registry.require(queue).chain(() -> scripts.run(Script.EXTEND, List.of(k.meta(), k.active()),
                List.of(k.prefix(), id, token, Long.toString(extendMs)))).map(QueueStore::strings);
    }

    public Uni<String> cancel(String queue, String id) {
        QueueKeys k = QueueKeys.of(queue);
        return registry.require(queue).chain(() -> scripts.run(Script.CANCEL,
                List.of(k.waiting(), k.waitAge(), k.delayed(), k.cancelled(), k.outbox()),
                List.of(k.prefix(), id))).map(Response::toString);
    }

    /** Returns 1 if the dead job {@code id} went back to waiting, 0 if it is not dead. */
    public Uni<Long> retryDead(String queue, String id) {
        return retryDead(queue, "one", id);
    }

    /** Moves up to {@code max} of the oldest dead jobs back to waiting; returns how many. */
    public Uni<Long> retryOldestDead(String queue, int max) {
        return retryDead(queue, "oldest", Integer.toString(max));
    }

    private Uni<Long> retryDead(String queue, String mode, String arg) {
        QueueKeys k = QueueKeys.of(queue);
        return registry.require(queue).chain(() -> scripts.run(Script.RETRY_DEAD,
                List.of(k.dead(), k.waiting(), k.waitAge()), List.of(k.prefix(), mode, arg)))
                .map(Response::toLong);
    }

    /** Outbox records the archive refused ({record, error, at} JSON), oldest first. */
    public Uni<List<String>> parked(String queue, int max) {
        return registry.require(queue).chain(() -> redis.list(String.class).lrange(QueueKeys.of(queue).parked(), 0,
                max - 1));
    }

    /** Puts every parked record back in the outbox (archive only); returns how many. */
    public Uni<Long> retryParked(String queue) {
        QueueKeys k = QueueKeys.of(queue);
        return registry.require(queue).chain(() -> scripts.run(Script.RETRY_PARKED, List.of(k.parked(), k.outbox()),
                List.of(k.prefix()))).map(Response::toLong);
    }

    public Uni<Map<String, String>> job(String queue, String id) {
        return registry.require(queue).chain(() -> redis.hash(String.class).hgetall(QueueKeys.of(queue).job(id)));
    }

    /** One page of a state set: job hashes in order, starting at {@code start}. */
    public Uni<List<Map<String, String>>> list(String queue, JobState state, long start, int count) {
        QueueKeys k = QueueKeys.of(queue);
        boolean waiting = state == JobState.WAITING;
        List<String> keys = waiting ? List.of(k.waiting(), k.groupsLimited()) : List.of(k.stateSet(state));
        return registry.require(queue).chain(() -> scripts.run(Script.LIST, keys,
                List.of(k.prefix(), Long.toString(start), Integer.toString(count), waiting ? "1" : "0"))).map(r -> {
                    List<Map<String, String>> out = new ArrayList<>();
                    for (int i = 0; i + 1 < r.size(); i += 2) {
                        Map<String, String> job = toMap(r.get(i + 1));
                        job.putIfAbsent("id", r.get(i).toString());
                        out.add(job);
                    }
                    return out;
                });
    }

    public Uni<QueueCounts> counts(String queue) {
        return scripts.run(Script.STATS, statsKeys(QueueKeys.of(queue)), List.of()).map(QueueStore::toCounts);
    }

    /**
     * Settings and counts of many queues in one pipelined round trip (per 500 queues): per queue its meta hash and
     * stats.lua, sent as EVAL because a NOSCRIPT inside a pipeline could not be retried alone. A queue deleted
     * meanwhile is left out; a configured one Redis lost is recreated, as {@link QueueRegistry#find} does.
     */
    public List<QueueSummary> summaries(List<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        String stats = scripts.source(Script.STATS);
        List<Request> requests = new ArrayList<>(names.size() * 2);
        for (String name : names) {
            QueueKeys k = QueueKeys.of(name);
            requests.add(Request.cmd(Command.HGETALL).arg(k.meta()));
            Request eval = Request.cmd(Command.EVAL).arg(stats).arg(8);
            statsKeys(k).forEach(eval::arg);
            requests.add(eval);
        }
        List<Response> replies = Pipelines.run(redis.getRedis(), requests, PIPELINE_TIMEOUT);
        List<QueueSummary> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Map<String, String> meta = RedisHashes.toMap(replies.get(2 * i));
            QueueSettings settings = meta.isEmpty()
                    ? (registry.isConfigured(name) ? registry.find(name).orElse(null) : null)
                    : QueueSettings.fromHash(meta);
            if (settings != null) {
                out.add(new QueueSummary(name, settings, toCounts(replies.get(2 * i + 1))));
            }
        }
        return out;
    }

    private static List<String> statsKeys(QueueKeys k) {
        return List.of(k.waiting(), k.waitAge(), k.delayed(), k.active(), k.completed(), k.dead(), k.cancelled(),
                k.stats());
    }

    private static QueueCounts toCounts(Response r) {
        return new QueueCounts(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong(),
                r.get(4).toLong(), r.get(5).toLong(), r.get(6).toLong(), r.get(7).toLong(), r.get(8).toLong(),
                r.get(9).toLong(), r.get(10).toLong(), r.get(11).toLong());
    }

    public Uni<Long> purge(String queue, JobState state, int max) {
        QueueKeys k = QueueKeys.of(queue);
        // every waiting job, grouped or not, is in waitage
        String set = state == JobState.WAITING ? k.waitAge() : k.stateSet(state);
        return scripts.run(Script.PURGE, List.of(set, k.waiting(), k.waitAge()),
                List.of(k.prefix(), Integer.toString(max))).map(Response::toLong);
    }

    public Uni<Long> promoteDelayed(String queue, int max) {
        QueueKeys k = QueueKeys.of(queue);
        return scripts.run(Script.PROMOTE_DELAYED, List.of(k.delayed(), k.waiting(), k.waitAge()),
                List.of(k.prefix(), Integer.toString(max))).map(Response::toLong);
    }

    public Uni<Long> reclaimExpired(String queue, int max) {
        QueueKeys k = QueueKeys.of(queue);
        return scripts.run(Script.RECLAIM_EXPIRED, List.of(k.active(), k.waiting(), k.waitAge(), k.dead(),
                k.cancelled(), k.outbox(), k.stats()), List.of(k.prefix(), Integer.toString(max)))
                .map(Response::toLong);
    }

    public Uni<Long> cleanRetained(String queue, int max) {
        QueueKeys k = QueueKeys.of(queue);
        return scripts.run(Script.CLEAN_RETAINED, List.of(k.meta(), k.completed(), k.dead(), k.cancelled(), k.outbox()),
                List.of(k.prefix(), Integer.toString(max))).map(Response::toLong);
    }

    /** Returns the new job id, "" if skipped (previous still running), or null if not ours to enqueue. */
    public Uni<String> scheduleOccurrence(String queue, String name, long expectedNext, long followingNext) {
        QueueKeys k = QueueKeys.of(queue);
        return scripts.run(Script.SCHEDULE_OCCURRENCE, List.of(k.meta(), k.seq(), k.waiting(), k.waitAge(),
                k.delayed(), k.stats(), k.schedules(), k.schedule(name)),
                List.of(k.prefix(), name, Long.toString(expectedNext), Long.toString(followingNext), newIncarnation()))
                .map(r -> r == null ? null : r.toString());
    }

    /**
     * A candidate incarnation for a queue that has none yet (created or recreated since its last job): the time in
     * base 36 and a random suffix, so a queue deleted and created again, or lost by Redis, never reuses a job id.
     */
    static String newIncarnation() {
        return Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
    }

    /** Runs a script that fails with NOQUEUE; a configured queue Redis lost is recreated and the script retried. */
    private Uni<Response> withQueue(String queue, java.util.function.Supplier<Uni<Response>> call) {
        return call.get().onFailure(QueueStore::isNoQueue).recoverWithUni(t -> registry.isConfigured(queue)
                ? registry.seed(queue).chain(call::get)
                : Uni.createFrom().failure(QueueRegistry.unknown(queue)));
    }

    private static boolean isNoQueue(Throwable t) {
        return t.getMessage() != null && t.getMessage().contains("NOQUEUE");
    }

    static List<String> strings(Response r) {
        List<String> out = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            Response item = r.get(i);
            out.add(item == null ? null : item.toString());
        }
        return out;
    }

    static Map<String, String> toMap(Response hash) {
        Map<String, String> out = new HashMap<>();
        if (hash == null) {
            return out;
        }
        for (int i = 0; i + 1 < hash.size(); i += 2) {
            out.put(hash.get(i).toString(), hash.get(i + 1).toString());
        }
        return out;
    }
}
