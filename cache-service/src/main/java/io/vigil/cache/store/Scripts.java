package io.vigil.cache.store;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.common.redis.LuaScript;
import io.vigil.common.redis.PipelinedConnections;

/**
 * The cache's atomic operations, one {@code .lua} resource each under {@code lua/} (contract in each header), run
 * through vigil-common's {@link LuaScript}. Values are opaque bytes: the writes go through
 * {@link LuaScript#runBinary}, which sends byte[] arguments as they are. Every call fails with {@link RedisTimeout}
 * after {@code vigil.cache.redis-timeout}: a stalled Redis never holds a request longer.
 */
@ApplicationScoped
public class Scripts {

    public enum Script {
        PUT("put"), GET("get"), DELETE("delete"), INVALIDATE_TAG("invalidate-tag"), MARK_NAMESPACE("mark-namespace"),
        LOCK("lock"), FILL("fill"), UNLOCK("unlock"), GCRA("gcra"), SLIDING_WINDOW("sliding-window"), READ("read"),
        JOB("job");

        final String file;

        Script(String file) {
            this.file = file;
        }
    }

    private final ReactiveRedisDataSource redis;
    private final Duration timeout;
    private final Map<Script, LuaScript> scripts = new EnumMap<>(Script.class);
    private final Vertx vertx;
    /** The hot paths' Redis: one pipelined connection per event loop (see PipelinedConnections). */
    private final PipelinedConnections hot;

    public Scripts(ReactiveRedisDataSource redis, CacheServiceConfig config, Vertx vertx) {
        this.redis = redis;
        this.timeout = config.redisTimeout();
        this.vertx = vertx;
        this.hot = new PipelinedConnections(redis.getRedis().getDelegate());
        for (Script script : Script.values()) {
            LuaScript lua = LuaScript.load("lua/" + script.file + ".lua");
            scripts.put(script, lua);
        }
    }

    /**
     * The hot paths' call (an L2 read, a rate-limit decision): the same EVALSHA (EVAL on NOSCRIPT) and the same
     * {@link RedisTimeout}, on the Vert.x client itself with a Vert.x timer, no Mutiny, on the event loop's own
     * pipelined connection (not a pooled connection taken and given back per command). Issue 19's profile: each
     * Mutiny operator of the Uni path captured and restored the thread context (context propagation is on the class
     * path), and the timeout scheduled a task on another thread per call. The future completes on the caller's
     * Vert.x context (the client's promise belongs to it).
     */
    public Future<io.vertx.redis.client.Response> call(Script script, List<String> keys, List<String> args) {
        Promise<io.vertx.redis.client.Response> done = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (done.tryFail(new RedisTimeout(timeout))) {
                hot.discard();
            }
        });
        scripts.get(script).send(hot, keys, args)
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        done.tryComplete(ar.result());
                    } else {
                        done.tryFail(ar.cause());
                    }
                });
        return done.future();
    }

    @PreDestroy
    void close() {
        hot.close();
    }

    /** A script's text, for EVAL inside a pipeline (where a NOSCRIPT reply could not be retried alone). */
    public String source(Script script) {
        return scripts.get(script).source();
    }

    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        return RedisTimeout.within(scripts.get(script).run(redis, keys, args), timeout);
    }

    /** @param args byte[] (sent as is) or anything else (as its String, UTF-8) */
    public Uni<Response> runBinary(Script script, List<String> keys, List<Object> args) {
        return RedisTimeout.within(scripts.get(script).runBinary(redis, keys, args), timeout);
    }
}
