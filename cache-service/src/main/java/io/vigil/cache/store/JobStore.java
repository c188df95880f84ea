package io.vigil.cache.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.store.Scripts.Script;

/**
 * Progress of long-running jobs (pattern and namespace invalidations, warming) in Redis, so any replica answers a
 * poll: hash {@code vigil:c:{ns}:job:<id>} with kind, state (running, done, failed), total (-1 while unknown),
 * done, failed, error, started, finished, beat; it expires {@code vigil.cache.job-retention} after its last update.
 * The replica running a job beats (Redis' clock) every few seconds; a poll of a running job without a recent beat
 * marks it failed ({@code job.lua}), so a job whose replica died never stays running.
 */
@ApplicationScoped
public class JobStore {

    private final HashCommands<String, String, String> hashes;
    private final KeyCommands<String> keys;
    private final long retentionSeconds;
    private final Scripts scripts;
    private final CacheServiceConfig config;

    public JobStore(RedisDataSource redis, Scripts scripts, CacheServiceConfig config) {
        this.hashes = redis.hash(String.class);
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
        return id;
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
        Map<String, String> out = new HashMap<>();
        for (int i = 0; r != null && i + 1 < r.size(); i += 2) {
            out.put(r.get(i).toString(), r.get(i + 1).toString());
        }
        return out;
    }

    private void write(String ns, String id, Map<String, String> fields) {
        String key = CacheKeys.job(ns, id);
        hashes.hset(key, fields);
        keys.expire(key, retentionSeconds);
    }
}
