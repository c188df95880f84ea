package io.vigil.common.redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * One long-lived connection per Vert.x event loop, for a request path that sends one command per request (a cache
 * read, a rate-limit decision). The client's {@link Redis#send} takes a pooled connection for every command and gives
 * it back after the reply; here the commands of all requests of one event loop go out on its own connection without
 * waiting for each other (pipelined, replies matched in order), and the reply is handled on that same event loop.
 * <p>
 * A connection that closes or fails is forgotten and the next command opens a new one; a command sent on it fails,
 * and the caller answers as it does for any Redis failure. Off an event loop, and on Redis Cluster (where one
 * connection would hold a pooled connection of every node, and commands of different slots go to different nodes),
 * commands go through the client as before.
 */
public final class PipelinedConnections {

    private final Redis client;
    private final Map<Thread, Future<RedisConnection>> byEventLoop = new ConcurrentHashMap<>();

    public PipelinedConnections(Redis client) {
        this.client = client;
    }

    public Future<Response> send(Request request) {
        if (RedisMode.cluster() || !Context.isOnEventLoopThread()) {
            return client.send(request);
        }
        return connection().compose(connection -> connection.send(request));
    }

    /** This event loop's connection; only this event loop creates or replaces it. */
    private Future<RedisConnection> connection() {
        Thread eventLoop = Thread.currentThread();
        Future<RedisConnection> connection = byEventLoop.get(eventLoop);
        if (connection == null || connection.failed()) {
            connection = client.connect().onSuccess(opened -> {
                opened.exceptionHandler(e -> forget(eventLoop, opened));
                opened.endHandler(v -> forget(eventLoop, opened));
            });
            byEventLoop.put(eventLoop, connection);
        }
        return connection;
    }

    private void forget(Thread eventLoop, RedisConnection closed) {
        byEventLoop.computeIfPresent(eventLoop,
                (t, current) -> current.succeeded() && current.result() == closed ? null : current);
    }

    /**
     * Closes this event loop's connection when a command on it went unanswered too long: a connection can be dead
     * without closing (a dropped network path), and every later command would wait on it. The next one reconnects.
     */
    public void discard() {
        if (Context.isOnEventLoopThread()) {
            Future<RedisConnection> connection = byEventLoop.remove(Thread.currentThread());
            if (connection != null) {
                connection.onSuccess(RedisConnection::close);
            }
        }
    }

    /** Gives the connections back (to the client's pool). */
    public void close() {
        byEventLoop.values().forEach(c -> c.onSuccess(RedisConnection::close));
        byEventLoop.clear();
    }
}
