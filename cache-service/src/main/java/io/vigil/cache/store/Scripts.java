package io.vigil.cache.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.LuaScript;

/**
 * The cache's atomic operations, one {@code .lua} resource each under {@code lua/} (contract in each header), run
 * through vigil-common's {@link LuaScript}. Values are opaque bytes, which {@link LuaScript#run} (String arguments,
 * sent as UTF-8) would corrupt, so {@link #runBinary} sends byte[] arguments as they are, with the same
 * EVALSHA-then-EVAL-on-NOSCRIPT behaviour.
 */
@ApplicationScoped
public class Scripts {

    public enum Script {
        PUT("put"), GET("get"), DELETE("delete"), INVALIDATE_TAG("invalidate-tag"), MARK_NAMESPACE("mark-namespace"),
        LOCK("lock"), FILL("fill"), UNLOCK("unlock"), GCRA("gcra"), SLIDING_WINDOW("sliding-window");

        final String file;

        Script(String file) {
            this.file = file;
        }
    }

    private final ReactiveRedisDataSource redis;
    private final Map<Script, LuaScript> scripts = new EnumMap<>(Script.class);
    private final Map<Script, String> shas = new EnumMap<>(Script.class);

    public Scripts(ReactiveRedisDataSource redis) {
        this.redis = redis;
        for (Script script : Script.values()) {
            LuaScript lua = LuaScript.load("lua/" + script.file + ".lua");
            scripts.put(script, lua);
            shas.put(script, sha1(lua.source()));
        }
    }

    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        return scripts.get(script).run(redis, keys, args);
    }

    /** @param args String (UTF-8) or byte[] (as is) arguments */
    public Uni<Response> runBinary(Script script, List<String> keys, List<Object> args) {
        return redis.getRedis().send(request(Command.EVALSHA, shas.get(script), keys, args))
                .onFailure(t -> t.getMessage() != null && t.getMessage().contains("NOSCRIPT"))
                .recoverWithUni(() -> redis.getRedis()
                        .send(request(Command.EVAL, scripts.get(script).source(), keys, args)));
    }

    private static Request request(Command command, String script, List<String> keys, List<Object> args) {
        Request r = Request.cmd(command).arg(script).arg(keys.size());
        for (String key : keys) {
            r.arg(key);
        }
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                r.arg(bytes);
            } else {
                r.arg(String.valueOf(arg));
            }
        }
        return r;
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
