package io.vigil.queue.store;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.LuaScript;

/**
 * The queue's atomic operations, one {@code .lua} resource each under {@code lua/} (contract in each header), run
 * through {@link LuaScript}: EVALSHA, re-sent on NOSCRIPT after a Redis restart.
 */
@ApplicationScoped
public class LuaScripts {

    public enum Script {
        ENQUEUE("enqueue"), LEASE("lease"), ACK("ack"), NACK("nack"), EXTEND("extend"),
        RECLAIM_EXPIRED("reclaim-expired"), PROMOTE_DELAYED("promote-delayed"), CANCEL("cancel"),
        RETRY_DEAD("retry-dead"), CLEAN_RETAINED("clean-retained"), PURGE("purge"), LIST("list"), STATS("stats"),
        SCHEDULE_OCCURRENCE("schedule-occurrence"), TRIM_OUTBOX("trim-outbox"), RETRY_PARKED("retry-parked"),
        UPDATE_SETTINGS("update-settings");

        final String file;

        Script(String file) {
            this.file = file;
        }
    }

    private final ReactiveRedisDataSource redis;
    private final Map<Script, LuaScript> scripts = new EnumMap<>(Script.class);

    public LuaScripts(ReactiveRedisDataSource redis) {
        this.redis = redis;
        for (Script script : Script.values()) {
            scripts.put(script, LuaScript.load("lua/" + script.file + ".lua"));
        }
    }

    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        return scripts.get(script).run(redis, keys, args);
    }

    /** A script's text, for EVAL inside a pipeline (where a NOSCRIPT reply could not be retried alone). */
    public String source(Script script) {
        return scripts.get(script).source();
    }
}
