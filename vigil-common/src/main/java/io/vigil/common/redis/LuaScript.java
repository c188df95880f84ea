package io.vigil.common.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * One atomic Redis operation kept as a {@code .lua} resource. A line {@code -- @include name} is replaced by
 * {@code includes/name.lua} from the script's folder, so shared fragments are included, not copied. {@link #run} uses
 * EVALSHA and falls back to EVAL (which also caches the script) on NOSCRIPT: after a Redis restart the cache is empty.
 * {@link #runBinary} does the same with arguments that may be raw bytes (cache values), which {@link #run}'s String
 * arguments, sent as UTF-8, would corrupt; either reply's bulk strings come back as bytes through
 * {@link Response#toBytes()}.
 */
public final class LuaScript {

    private static final Pattern INCLUDE = Pattern.compile("(?m)^-- @include ([a-z_-]+)\\s*$");
    private static final Pattern PARAM = Pattern.compile("(?m)^(local \\w+ = )\\S+( -- @param (\\w+))[ \\t]*$");

    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * A script with settings baked in: each line {@code local NAME = <default> -- @param key} takes
     * {@code params.get(key)} as its value (the default when absent), so the script needs no extra argument for them
     * and its SHA1 names the settings too.
     */
    public static LuaScript load(String resource, java.util.Map<String, String> params) {
        Matcher m = PARAM.matcher(load(resource).source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = params.get(m.group(3));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : m.group(1) + value
                    + m.group(2)));
        }
        m.appendTail(out);
        return new LuaScript(out.toString());
    }

    /** The SHA1 of {@link #source()}: what EVALSHA names the script by. */
    public String sha() {
        return sha;
    }

    /** @param resource class-path resource, e.g. {@code lua/ack.lua} */
    public static LuaScript load(String resource) {
        String folder = resource.contains("/") ? resource.substring(0, resource.lastIndexOf('/') + 1) : "";
        Matcher m = INCLUDE.matcher(read(resource));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(read(folder + "includes/" + m.group(1) + ".lua")));
        }
        m.appendTail(out);
        return new LuaScript(out.toString());
    }

    /** The script text, includes resolved: for EVAL inside a pipeline, where a NOSCRIPT cannot be retried alone. */
    public String source() {
        return source;
    }

    public Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, List<String> args) {
        String[] evalArgs = new String[2 + keys.size() + args.size()];
        evalArgs[0] = sha;
        evalArgs[1] = Integer.toString(keys.size());
        int i = 2;
        for (String key : keys) {
            evalArgs[i++] = key;
        }
        for (String arg : args) {
            evalArgs[i++] = arg;
        }
        return redis.execute(Command.EVALSHA, evalArgs)
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> {
                    String[] withSource = evalArgs.clone();
                    withSource[0] = source;
                    return redis.execute(Command.EVAL, withSource);
                });
    }

    /**
     * Like {@link #run}, for arguments that are not all text.
     *
     * @param args each a {@code byte[]} (sent as is) or anything else (sent as {@code String.valueOf}, UTF-8)
     */
    public Uni<Response> runBinary(ReactiveRedisDataSource redis, List<String> keys, List<?> args) {
        return redis.getRedis().send(request(Command.EVALSHA, sha, keys, args))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> redis.getRedis().send(request(Command.EVAL, source, keys, args)));
    }

    /**
     * Like {@link #run}, on the bare Vert.x client: no Mutiny operator (each one captures and restores the thread
     * context when context propagation is on the class path), for a request path that counts microseconds. The
     * future completes on the caller's Vert.x context.
     */
    public io.vertx.core.Future<io.vertx.redis.client.Response> send(PipelinedConnections redis, List<String> keys,
            List<String> args) {
        return redis.send(request(Command.EVALSHA, sha, keys, args).getDelegate())
                .recover(t -> isNoScript(t) ? redis.send(request(Command.EVAL, source, keys, args).getDelegate())
                        : io.vertx.core.Future.failedFuture(t));
    }

    private static Request request(Command command, String script, List<String> keys, List<?> args) {
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

    static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().contains("NOSCRIPT");
    }

    private static String read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
