package io.vigil.cache.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.Pipelines;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.store.Scripts.Script;

/**
 * Progress of long-running jobs (pattern and namespace invalidations, warming) in Redis, so any replica answers a
 * poll: hash {@code vigil:c:{ns}:job:<id>} with kind, state (running, done, failed), total (-1 while unknown),
 * done, failed, error, started, finished, beat; it expires {@code vigil.cache.job-retention} after its last update.
 * The replica running a job beats (Redis' clock) every few seconds; a poll of a running job without a recent beat
 * marks it failed ({@code job.lua}), so a job whose replica died never stays running. Every job is also indexed in
 * {@code vigil:c:jobs} (newest first, at most {@link #INDEXED} within the retention), so the console lists them.
 */
@ApplicationScoped
public class JobStore {

    /** Jobs the index keeps at most (the newest). */
    public static final int INDEXED = 1000;

    private final java.util.concurrent.atomic.AtomicInteger sequence = new java.util.concurrent.atomic.AtomicInteger();
    private final HashCommands<String, String, String> hashes;
    private final SortedSetCommands<String, String> index;
    private final ReactiveRedisDataSource reactive;
    private final KeyCommands<String> keys;
    private final long retentionSeconds;
    private final Scripts scripts;
    private final CacheServiceConfig config;

    public JobStore(RedisDataSource redis, ReactiveRedisDataSource reactive, Scripts scripts,
            CacheServiceConfig config) {
        this.hashes = redis.hash(String.class);
        this.index = redis.sortedSet(String.class);
        this.reactive = reactive;
        this.keys = redis.key(String.class);
        this.retentionSeconds = config.jobRetention().toSeconds();
        this.scripts = scripts;
        this.config = config;
    }

    public String create(String ns, String kind, long total, String detail) {
        String id = UUID.randomUUID().toString();
        Map<String, String> fields = new HashMap<>();
        fields.put("kind", kind);
        fields.put("state", "running");
        fields.put("total", Long.toString(total));
        fields.put("done", "0");
        fields.put("failed", "0");
        fields.put("detail", detail);
        fields.put("started", Instant.now().toString());
        write(ns, id, fields);
        beat(ns, id);
        // score: start in µs-sized steps (ms × 1000 + a counter), so jobs started in the same millisecond keep their order
        long now = System.currentTimeMillis();
        index.zadd(CacheKeys.JOBS, now * 1000.0 + Math.floorMod(sequence.getAndIncrement(), 1000), ns + "/" + id);
        index.zremrangebyscore(CacheKeys.JOBS, new ScoreRange<>(Double.NEGATIVE_INFINITY,
                (now - retentionSeconds * 1000) * 1000.0));
        index.zremrangebyrank(CacheKeys.JOBS, 0, -(INDEXED + 1));
        return id;
    }

    /** A job as {@link #find} answers it, with its namespace and id. */
    public record Listed(String ns, String id, Map<String, String> fields) {
    }

    /** One page of the recent jobs, newest first, of one namespace or (ns null) all; and how many there are. */
    public record Page(List<Listed> jobs, int total) {
    }

    /**
     * Recent jobs newest first, from {@code offset}: the page's records are read in one pipelined round trip
     * ({@code job.lua} check each, so a job whose replica died shows failed, as a poll would show it). Entries whose
     * record expired are dropped from the index.
     */
    public Page list(String ns, int offset, int limit) {
        List<String> members = new ArrayList<>(index.zrange(CacheKeys.JOBS, 0, -1, new ZRangeArgs().rev()));
        if (ns != null) {
            members.removeIf(m -> !m.startsWith(ns + "/"));
        }
        List<String> page = members.subList(Math.min(offset, members.size()),
                Math.min(members.size(), offset + limit));
        List<Listed> out = new ArrayList<>(page.size());
        if (page.isEmpty()) {
            return new Page(out, members.size());
        }
        String source = scripts.source(Script.JOB);
        String stale = Long.toString(config.jobStaleAfter().toMillis());
        List<Request> requests = new ArrayList<>(page.size());
        for (String member : page) {
            int slash = member.indexOf('/');
            requests.add(Request.cmd(Command.EVAL).arg(source).arg(1)
                    .arg(CacheKeys.job(member.substring(0, slash), member.substring(slash + 1)))
                    .arg("check").arg(stale).arg("0"));
        }
        List<Response> replies = Pipelines.run(reactive.getRedis(), requests, Duration.ofSeconds(10));
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            String member = page.get(i);
            int slash = member.indexOf('/');
            Map<String, String> fields = toMap(replies.get(i));
            if (fields.isEmpty()) {
                gone.add(member);
            } else {
                out.add(new Listed(member.substring(0, slash), member.substring(slash + 1), fields));
            }
        }
        if (!gone.isEmpty()) {
            index.zrem(CacheKeys.JOBS, gone.toArray(String[]::new));
        }
        return new Page(out, members.size() - gone.size());
    }

    private static Map<String, String> toMap(Response r) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; r != null && i + 1 < r.size(); i += 2) {
            out.put(r.get(i).toString(), r.get(i + 1).toString());
        }
        return out;
    }

    /** The replica running the job is alive (see {@code job.lua}). */
    public void beat(String ns, String id) {
        scripts.run(Script.JOB, List.of(CacheKeys.job(ns, id)), List.of("beat", "0", Long.toString(retentionSeconds)))
                .await().indefinitely();
    }

    public void progress(String ns, String id, long done, long failed) {
        write(ns, id, Map.of("done", Long.toString(done), "failed", Long.toString(failed)));
    }

    public void finish(String ns, String id, long done, long failed, String error) {
        Map<String, String> fields = new HashMap<>();
        fields.put("done", Long.toString(done));
        fields.put("failed", Long.toString(failed));
        fields.put("total", Long.toString(done + failed));
        fields.put("state", error == null ? "done" : "failed");
        fields.put("finished", Instant.now().toString());
        if (error != null) {
            fields.put("error", error);
        }
        write(ns, id, fields);
    }

    /** The job's record (empty when unknown); a running job without a recent beat is marked failed first. */
    public Map<String, String> find(String ns, String id) {
        Response r = scripts.run(Script.JOB, List.of(CacheKeys.job(ns, id)),
                List.of("check", Long.toString(config.jobStaleAfter().toMillis()), "0")).await().indefinitely();
        return toMap(r);
    }

    private void write(String ns, String id, Map<String, String> fields) {
        String key = CacheKeys.job(ns, id);
        hashes.hset(key, fields);
        keys.expire(key, retentionSeconds);
    }
}
