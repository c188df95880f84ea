package io.vigil.common.health;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.bson.Document;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;

/**
 * The state of Redis and MongoDB as the readiness probe reports it. A background check pings each dependency once per
 * {@code vigil.readiness.interval} (Redis on the event loop, MongoDB on a worker), and real traffic can report a
 * failure it saw ({@link #failed}) so the pod leaves the load balancer before the next ping. The probe only reads
 * this state: under load it answers in microseconds instead of queueing a PING and a MongoDB command behind the
 * traffic it is meant to judge. A ping that never answers (a hung server) shows as DOWN once the last answer is older
 * than three intervals plus the timeout.
 */
@ApplicationScoped
public class Dependencies {

    public static final String REDIS = "redis";
    public static final String MONGODB = "mongodb";

    /** What the last check of one dependency found; {@code error} is null when it answered. */
    public record State(boolean up, String error, long checkedAtNanos) {
    }

    private final ReactiveRedisDataSource redis;
    private final Instance<MongoClient> mongo;
    private final ReadinessConfig config;
    private final Vertx vertx;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicBoolean mongoInFlight = new AtomicBoolean();
    private final CompletableFuture<Void> firstCheck = new CompletableFuture<>();
    private long timer = -1;

    public Dependencies(ReactiveRedisDataSource redis, Instance<MongoClient> mongo, ReadinessConfig config,
            Vertx vertx) {
        this.redis = redis;
        this.mongo = mongo;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        checkAll();
        timer = vertx.setPeriodic(config.interval().toMillis(), id -> checkAll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The dependencies readiness covers, in the order the probe lists them. */
    public List<String> names() {
        return config.mongodb() ? List.of(REDIS, MONGODB) : List.of(REDIS);
    }

    /**
     * Completes once every dependency has answered (or failed) its first check, or after the timeout: a probe right
     * after start-up waits for that instead of reporting a DOWN nobody measured.
     */
    public Uni<Void> firstCheck() {
        return Uni.createFrom().completionStage(firstCheck).ifNoItem().after(config.timeout().multipliedBy(2))
                .recoverWithItem((Void) null);
    }

    /** The current state of one dependency; DOWN when its check has not answered for too long (or never did). */
    public State state(String name) {
        State s = states.get(name);
        long now = System.nanoTime();
        if (s == null) {
            return new State(false, "not checked yet", now);
        }
        long staleAfter = config.interval().multipliedBy(3).plus(config.timeout()).toNanos();
        if (now - s.checkedAtNanos() > staleAfter) {
            return new State(false, "no answer for " + (now - s.checkedAtNanos()) / 1_000_000 + " ms", s.checkedAtNanos());
        }
        return s;
    }

    /** Real traffic saw the dependency fail: readiness is DOWN until the next check answers. */
    public void failed(String name, Throwable error) {
        states.put(name, new State(false, String.valueOf(error.getMessage()), System.nanoTime()));
    }

    /**
     * A request failed with {@code error}: when it is a lost connection to Redis or MongoDB, readiness turns DOWN now
     * rather than at the next check. Anything else (a bug, a webhook that refused) leaves readiness alone.
     */
    public void sawFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException) {
                failed(MONGODB, t);
                return;
            }
            if (t instanceof ConnectException || t instanceof ClosedChannelException) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    if (frame.getClassName().startsWith("io.vertx.redis.")) {
                        failed(REDIS, t);
                        return;
                    }
                }
            }
        }
    }

    private void checkAll() {
        redis.execute(Command.PING).ifNoItem().after(config.timeout()).fail().subscribe().with(
                ok -> record(REDIS, null), failure -> record(REDIS, failure));
        // A blocking driver call: on a worker, and never two at once (a hung server must not pile them up).
        if (config.mongodb() && mongoInFlight.compareAndSet(false, true)) {
            vertx.executeBlocking(() -> mongo.get().getDatabase("admin").runCommand(new Document("ping", 1)), false)
                    .onComplete(result -> {
                        mongoInFlight.set(false);
                        record(MONGODB, result.failed() ? result.cause() : null);
                    });
        }
    }

    private void record(String name, Throwable failure) {
        State previous = states.get(name);
        State next = new State(failure == null, failure == null ? null : String.valueOf(failure.getMessage()),
                System.nanoTime());
        if (previous != null && previous.up() != next.up()) {
            if (next.up()) {
                Log.infof("%s is reachable again", name);
            } else {
                Log.warnf("%s is unreachable: %s", name, next.error());
            }
        }
        states.put(name, next);
        if (!firstCheck.isDone() && states.keySet().containsAll(names())) {
            firstCheck.complete(null);
        }
    }
}
