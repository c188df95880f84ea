package io.vigil.queue.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

/**
 * The queue's atomic operations, one {@code .lua} resource each. Runs them with EVALSHA (the SHA is computed here)
 * and falls back to EVAL, which also caches the script, on NOSCRIPT: after a Redis restart the cache is empty.
 */
@ApplicationScoped
public class LuaScripts {

    public enum Script {
        ENQUEUE("enqueue"), LEASE("lease"), ACK("ack"), NACK("nack"), EXTEND("extend"),
        RECLAIM_EXPIRED("reclaim-expired"), PROMOTE_DELAYED("promote-delayed"), CANCEL("cancel"),
        RETRY_DEAD("retry-dead"), CLEAN_RETAINED("clean-retained"), PURGE("purge"), LIST("list"), STATS("stats"),
        SCHEDULE_OCCURRENCE("schedule-occurrence"), TRIM_OUTBOX("trim-outbox");

        final String file;

        Script(String file) {
            this.file = file;
        }
    }

    private static final Pattern INCLUDE = Pattern.compile("(?m)^-- @include ([a-z-]+)\\s*$");

    private final ReactiveRedisDataSource redis;
    private final Map<Script, String> sources = new EnumMap<>(Script.class);
    private final Map<Script, String> shas = new EnumMap<>(Script.class);

    public LuaScripts(ReactiveRedisDataSource redis) {
        this.redis = redis;
        for (Script script : Script.values()) {
            String source = resolveIncludes(read("lua/" + script.file + ".lua"));
            sources.put(script, source);
            shas.put(script, sha1(source));
        }
    }

    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        String[] evalArgs = new String[2 + keys.size() + args.size()];
        evalArgs[0] = shas.get(script);
        evalArgs[1] = Integer.toString(keys.size());
        int i = 2;
        for (String key : keys) {
            evalArgs[i++] = key;
        }
        for (String arg : args) {
            evalArgs[i++] = arg;
        }
        return redis.execute(Command.EVALSHA, evalArgs)
                .onFailure(LuaScripts::isNoScript).recoverWithUni(() -> {
                    String[] withSource = evalArgs.clone();
                    withSource[0] = sources.get(script);
                    return redis.execute(Command.EVAL, withSource);
                });
    }

    public String source(Script script) {
        return sources.get(script);
    }

    static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().contains("NOSCRIPT");
    }

    private static String resolveIncludes(String source) {
        Matcher m = INCLUDE.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(read("lua/includes/" + m.group(1) + ".lua")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
