package io.vigil.cache.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.vigil.cache.config.CacheServiceConfig;

/**
 * Progress of long-running jobs (pattern and namespace invalidations, warming) in Redis, so any replica answers a
 * poll: hash {@code vigil:c:{ns}:job:<id>} with kind, state (running, done, failed), total (-1 while unknown),
 * done, failed, error, started, finished; it expires {@code vigil.cache.job-retention} after its last update.
 */
@ApplicationScoped
public class JobStore {

    private final HashCommands<String, String, String> hashes;
    private final KeyCommands<String> keys;
    private final long retentionSeconds;

    public JobStore(RedisDataSource redis, CacheServiceConfig config) {
        this.hashes = redis.hash(String.class);
        this.keys = redis.key(String.class);
        this.retentionSeconds = config.jobRetention().toSeconds();
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
        return id;
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

    public Map<String, String> find(String ns, String id) {
        return hashes.hgetall(CacheKeys.job(ns, id));
    }

    private void write(String ns, String id, Map<String, String> fields) {
        String key = CacheKeys.job(ns, id);
        hashes.hset(key, fields);
        keys.expire(key, retentionSeconds);
    }
}
