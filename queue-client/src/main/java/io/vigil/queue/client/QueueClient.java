package io.vigil.queue.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Enqueues jobs into queue-service's queues straight on their Redis, with the direct-enqueue contract v1 (README of
 * queue-service, "Direct enqueue"): one EVALSHA per job, the same script queue-service publishes in
 * {@value #CONTRACT_KEY}, so a job enqueued here is the same as one enqueued over REST. Concurrent enqueues share one
 * connection and are pipelined on it, as BullMQ's {@code queue.add} is on ioredis. Thread-safe; close it when done.
 * <pre>{@code
 * try (QueueClient queue = QueueClient.connect("redis://redis:6379")) {
 *     String id = queue.enqueue("emails", Job.of("{\"to\":\"ops@example.com\"}").withPriority("high")).join().id();
 * }
 * }</pre>
 * Not retried: a connection lost after the command was written may or may not have enqueued the job, so the future
 * fails and the caller decides (an idempotency key makes a retry safe). The next call reconnects.
 */
public final class QueueClient implements AutoCloseable {

    public static final String CONTRACT_KEY = "vigil:queue:contract:v1";
    private static final String VERSION = "1";
    private static final String[] KEY_NAMES = {"meta", "seq", "wait", "waitage", "delayed", "stats"};

    /** The published script: EVALSHA by sha, EVAL of script after NOSCRIPT (Redis restarted or SCRIPT FLUSH). */
    private record Contract(String sha, String script) {
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final Redis redis;
    private Future<RedisConnection> connection;
    private volatile Future<Contract> contract;

    private QueueClient(Vertx vertx, boolean ownsVertx, RedisOptions options) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.redis = Redis.createClient(vertx, options);
    }

    /** A client with its own single event loop: {@code redis://[:password@]host:port[/db]}, {@code rediss://} for TLS. */
    public static QueueClient connect(String redisUri) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        return new QueueClient(vertx, true, options(redisUri));
    }

    /** A client on the application's Vert.x (Quarkus: inject it) with full Redis options (Sentinel, Cluster, TLS). */
    public static QueueClient create(Vertx vertx, RedisOptions options) {
        return new QueueClient(vertx, false, options);
    }

    /** Defaults for one pipelined connection: many replies may be outstanding at once. */
    public static RedisOptions options(String redisUri) {
        return new RedisOptions().setConnectionString(redisUri).setMaxWaitingHandlers(65_536);
    }

    /**
     * Enqueues one job. Completes with its id, or fails with {@link QueueClientException} for a refused job (the
     * script's {@code ERR vigil: ...}: bad argument, payload too large, unknown queue; nothing was written).
     */
    public CompletableFuture<Enqueued> enqueue(String queue, Job job) {
        List<String> keys = new ArrayList<>(KEY_NAMES.length);
        for (String name : KEY_NAMES) {
            keys.add("vigil:q:{" + queue + "}:" + name);
        }
        List<String> args = List.of(VERSION, queue, job.payload(), text(job.priority()), positive(job.delayMs()),
                positive(job.runAtMs()), positive(job.maxAttempts()), positive(job.timeoutMs()),
                text(job.idempotencyKey()), text(job.group()));
        return contract()
                .compose(c -> send(Command.EVALSHA, c.sha(), keys, args))
                .recover(t -> isNoScript(t)
                        // the script cache is empty: re-read the contract (queue-service may have changed it) and EVAL
                        ? reloadContract().compose(c -> send(Command.EVAL, c.script(), keys, args))
                        : Future.failedFuture(t))
                .map(QueueClient::enqueued)
                .recover(QueueClient::translate)
                .toCompletionStage().toCompletableFuture();
    }

    private Future<Response> send(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return connection().compose(c -> c.send(request));
    }

    private static Enqueued enqueued(Response r) {
        return new Enqueued(r.get(0).toString(), r.get(2).toString(), r.get(1).toInteger() == 1);
    }

    private Future<Contract> contract() {
        Future<Contract> c = contract;
        return c != null && !c.failed() ? c : reloadContract();
    }

    private Future<Contract> reloadContract() {
        Future<Contract> c = connection().compose(conn -> conn.send(Request.cmd(Command.HMGET).arg(CONTRACT_KEY)
                .arg("sha").arg("script"))).map(r -> {
                    if (r.get(0) == null || r.get(1) == null) {
                        throw new QueueClientException("no direct-enqueue contract in Redis (" + CONTRACT_KEY
                                + "): is queue-service running on this Redis, at a version that publishes v1?");
                    }
                    return new Contract(r.get(0).toString(), r.get(1).toString());
                });
        contract = c;
        return c;
    }

    /** One connection for every enqueue (pipelined); a new one after it closed or failed. */
    private synchronized Future<RedisConnection> connection() {
        if (connection == null || connection.failed()) {
            Future<RedisConnection> next = redis.connect().onSuccess(conn -> {
                conn.exceptionHandler(e -> forget(conn));
                conn.endHandler(v -> forget(conn));
            });
            connection = next;
        }
        return connection;
    }

    private synchronized void forget(RedisConnection conn) {
        if (connection != null && connection.succeeded() && connection.result() == conn) {
            connection = null;
        }
    }

    private static <T> Future<T> translate(Throwable t) {
        if (t instanceof QueueClientException) {
            return Future.failedFuture(t);
        }
        String message = String.valueOf(t.getMessage());
        return Future.failedFuture(message.contains("vigil:") ? new QueueClientException(message)
                : new QueueClientException("enqueue failed: " + message, t));
    }

    private static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static String positive(long n) {
        return n > 0 ? Long.toString(n) : "";
    }

    @Override
    public void close() {
        Future<RedisConnection> c;
        synchronized (this) {
            c = connection;
            connection = null;
        }
        if (c != null && c.succeeded()) {
            c.result().close();
        }
        redis.close();
        if (ownsVertx) {
            vertx.close();
        }
    }
}
