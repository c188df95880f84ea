package io.vigil.queue.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.vigil.common.redis.LuaScript;
import io.vigil.queue.config.QueueServiceConfig;

/**
 * The direct-enqueue contract (v1): {@code lua/direct-enqueue.lua} with this service's payload limit baked in, which
 * producers outside queue-service run with EVALSHA on the same Redis, one round trip per job as BullMQ's
 * {@code queue.add}. The script's text and SHA1 are published in the hash {@link #KEY}, so a client learns them from
 * Redis alone and always runs the script of the queue-service that owns the data (re-read after a NOSCRIPT). Published
 * at start-up and with the configured queues (every 20 sweeps), so it comes back after Redis lost its data.
 */
@ApplicationScoped
public class DirectContract {

    public static final int VERSION = 1;
    public static final String KEY = "vigil:queue:contract:v" + VERSION;
    /** KEYS of the script, in order: {@code vigil:q:{<queue>}:<name>}. */
    public static final List<String> KEY_NAMES = List.of("meta", "seq", "wait", "waitage", "delayed", "stats");
    public static final List<String> ARGV_NAMES = List.of("version", "queue", "payload", "priority", "delayMs",
            "runAtMs", "maxAttempts", "timeoutMs", "idempotencyKey", "group");

    private final RedisDataSource redis;
    private final LuaScript script;
    private final int maxPayloadBytes;

    public DirectContract(RedisDataSource redis, QueueServiceConfig config) {
        this.redis = redis;
        this.maxPayloadBytes = config.maxPayloadBytes();
        this.script = LuaScript.load("lua/direct-enqueue.lua",
                Map.of("maxPayloadBytes", Integer.toString(maxPayloadBytes)));
    }

    void start(@Observes StartupEvent ignored) {
        try {
            publish();
        } catch (RuntimeException e) {
            Log.warnf("direct-enqueue contract not published yet (Redis down?), retried by the sweeper: %s",
                    e.getMessage());
        }
    }

    /** Writes the contract hash (idempotent; every replica of one configuration writes the same fields). */
    public void publish() {
        redis.hash(String.class).hset(KEY, fields());
    }

    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("version", Integer.toString(VERSION));
        fields.put("sha", script.sha());
        fields.put("script", script.source());
        fields.put("keys", String.join(" ", KEY_NAMES));
        fields.put("argv", String.join(" ", ARGV_NAMES));
        fields.put("maxPayloadBytes", Integer.toString(maxPayloadBytes));
        return fields;
    }

    public String sha() {
        return script.sha();
    }

    public String source() {
        return script.source();
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** The script's KEYS for one queue. */
    public static List<String> keys(String queue) {
        QueueKeys k = QueueKeys.of(queue);
        return List.of(k.meta(), k.seq(), k.waiting(), k.waitAge(), k.delayed(), k.stats());
    }
}
