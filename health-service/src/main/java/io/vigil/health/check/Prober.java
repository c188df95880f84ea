package io.vigil.health.check;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import mutiny.zero.flow.adapters.AdaptersToFlow;

import org.bson.Document;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vigil.common.redact.Redact;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.Observation;
import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetType;

/**
 * Runs one check of a target without blocking a thread: Vert.x HTTP/TCP/TLS clients, the Vert.x Redis client and the
 * reactive MongoDB driver. Each check goes through the replica-wide {@link Limiter}, then through the target's own
 * SmallRye Fault Tolerance guard: its timeout, and a circuit breaker that stops calling a target that keeps timing
 * out (each skipped check is a DOWN result "circuit open"), so a hung target stops holding slots. An answer that
 * fails its conditions is a result, not a failure of the call.
 */
@ApplicationScoped
public class Prober {

    private static final TypeLiteral<Uni<Observation>> UNI_OBSERVATION = new TypeLiteral<>() {
    };

    private final Vertx vertx;
    private final HealthConfig config;
    private final Limiter limiter;
    private final HttpClient http;
    private final NetClient tcp;
    private final NetClient tls;
    private final Map<String, Guarded> guards = new ConcurrentHashMap<>();
    private final Map<String, Redis> redisClients = new ConcurrentHashMap<>();
    private final Map<String, MongoClient> mongoClients = new ConcurrentHashMap<>();

    /** A target's guard, rebuilt when its timeout changes. */
    private record Guarded(long timeoutMs, String url, TypedGuard<Uni<Observation>> guard) {
    }

    public Prober(Vertx vertx, HealthConfig config) {
        this.vertx = vertx;
        this.config = config;
        int concurrency = config.schedule().maxConcurrency();
        this.limiter = new Limiter(concurrency);
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(concurrency)
                .setPipelining(false).setShared(false).setName("vigil-health-checks"));
        this.tcp = vertx.createNetClient(new NetClientOptions());
        this.tls = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true)
                .setHostnameVerificationAlgorithm(""));
    }

    /** Checks waiting for a slot (a gauge). */
    public int waiting() {
        return limiter.waiting();
    }

    /** One check; never fails: a target that does not answer is an observation with an error. */
    public Uni<Observation> check(Target target) {
        return limiter.run(() -> {
            long start = System.nanoTime();
            return guard(target).get(() -> probe(target))
                    .onFailure().recoverWithItem(t -> Observation.failed(elapsedMs(start), describe(t, target)));
        });
    }

    /** Forgets what was kept for a removed or changed target (its guard, its Redis or MongoDB client). */
    public void forget(String name) {
        guards.remove(name);
        Redis r = redisClients.remove(name);
        if (r != null) {
            r.close();
        }
        MongoClient m = mongoClients.remove(name);
        if (m != null) {
            m.close();
        }
    }

    private TypedGuard<Uni<Observation>> guard(Target target) {
        Guarded g = guards.get(target.name());
        if (g == null || g.timeoutMs() != target.timeoutMs() || !g.url().equals(target.spec().url())) {
            forget(target.name());
            TypedGuard<Uni<Observation>> guard = TypedGuard.create(UNI_OBSERVATION)
                    .withDescription("check " + target.name())
                    // The probe is non-blocking: run it on the calling thread, never queued behind a worker pool.
                    .withThreadOffload(false)
                    .withTimeout().duration(target.timeoutMs(), ChronoUnit.MILLIS).done()
                    .withCircuitBreaker()
                    // Only timeouts open the breaker: a refused connection costs nothing, and its recovery should show
                    // at the next check. The pause is at most two intervals, so a recovered target is seen soon.
                    .requestVolumeThreshold(config.schedule().breakerFailures()).failureRatio(1.0)
                    .when(t -> t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException)
                    .delay(Math.min(config.schedule().breakerDelay().toMillis(), 2 * target.intervalMs()),
                            ChronoUnit.MILLIS).successThreshold(1).done()
                    .build();
            g = new Guarded(target.timeoutMs(), target.spec().url(), guard);
            guards.put(target.name(), g);
        }
        return g.guard();
    }

    private Uni<Observation> probe(Target target) {
        long start = System.nanoTime();
        if (target.type() == TargetType.HTTP || target.type() == TargetType.SERVICE) {
            return http(target, start);
        }
        Future<Observation> f = switch (target.type()) {
            case HTTP, SERVICE -> throw new IllegalStateException("checked above");
            case TCP -> tcp.connect(target.port(), target.host()).map(socket -> {
                socket.close();
                return Observation.connected(elapsedMs(start));
            });
            case TLS -> tls.connect(SocketAddress.inetSocketAddress(target.port(), target.host()), target.host())
                    .map(socket -> {
                        Long left = null;
                        try {
                            List<Certificate> certs = socket.peerCertificates();
                            if (!certs.isEmpty() && certs.get(0) instanceof X509Certificate x509) {
                                left = x509.getNotAfter().getTime() - System.currentTimeMillis();
                            }
                        } catch (Exception e) {
                            // no certificate: [CERTIFICATE_EXPIRATION] has no value and fails
                        } finally {
                            socket.close();
                        }
                        return new Observation(null, elapsedMs(start), null, true, left, null);
                    });
            case REDIS -> redis(target).send(Request.cmd(Command.PING)).map(r -> Observation.connected(elapsedMs(start)));
            case MONGODB -> null;
        };
        if (target.type() == TargetType.MONGODB) {
            return Uni.createFrom().publisher(AdaptersToFlow.publisher(mongo(target).getDatabase("admin").runCommand(new Document("ping", 1))))
                    .map(d -> Observation.connected(elapsedMs(start)));
        }
        return Uni.createFrom().completionStage(f.toCompletionStage());
    }

    /**
     * One HTTP check, bounded: at most {@code probe.max-body-kib} of the body is read (beyond it the request is reset
     * rather than downloaded: an endless body costs nothing), and a check that has not finished at its timeout, or
     * that is cancelled (the guard's timeout), resets its request, so a target that trickles its answer holds no
     * connection afterwards.
     */
    private Uni<Observation> http(Target target, long start) {
        String url = target.spec().url();
        if (target.type() == TargetType.SERVICE) {
            url = readinessUrl(url);
        }
        RequestOptions options = new RequestOptions().setAbsoluteURI(url)
                .setMethod(HttpMethod.valueOf(target.spec().method()))
                .setFollowRedirects(target.spec().followRedirects())
                .setIdleTimeout(target.timeoutMs()).setConnectTimeout(target.timeoutMs());
        target.spec().headers().forEach(options::addHeader);
        boolean keepBody = target.needsBody();
        int maxBody = config.probe().maxBodyKib() * 1024;
        String body = target.spec().body();
        return Uni.createFrom().<Observation>emitter(em -> {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<HttpClientRequest> request = new AtomicReference<>();
            Runnable reset = () -> {
                HttpClientRequest r = request.get();
                if (r != null) {
                    r.reset();
                }
            };
            long timer = vertx.setTimer(target.timeoutMs(), id -> {
                if (done.compareAndSet(false, true)) {
                    // the timeout first: resetting fails the response at once, and that must not become the reason
                    em.fail(new TimeoutException("timeout"));
                    reset.run();
                }
            });
            em.onTermination(() -> {
                vertx.cancelTimer(timer);
                if (done.compareAndSet(false, true)) {
                    reset.run(); // cancelled (the guard timed out first)
                }
            });
            http.request(options).onFailure(em::fail).onSuccess(req -> {
                request.set(req);
                if (done.get()) {
                    req.reset();
                    return;
                }
                req.response().onFailure(em::fail).onSuccess(resp -> {
                    Buffer kept = Buffer.buffer();
                    int[] read = { 0 };
                    Runnable finish = () -> {
                        if (done.compareAndSet(false, true)) {
                            vertx.cancelTimer(timer);
                            em.complete(new Observation(resp.statusCode(), elapsedMs(start),
                                    keepBody ? kept.toString() : null, true, null, null));
                        }
                    };
                    resp.exceptionHandler(e -> {
                        if (done.compareAndSet(false, true)) {
                            em.fail(e);
                        }
                    });
                    resp.handler(chunk -> {
                        if (done.get()) {
                            return;
                        }
                        int room = maxBody - read[0];
                        int take = Math.min(room, chunk.length());
                        read[0] += take;
                        if (keepBody) {
                            kept.appendBuffer(chunk, 0, take);
                        }
                        if (read[0] >= maxBody) {
                            // Enough: the rest is not downloaded, and the connection it was on is not reused.
                            finish.run();
                            req.reset();
                        }
                    });
                    resp.endHandler(v -> finish.run());
                });
                if (body == null) {
                    req.end();
                } else {
                    req.end(body);
                }
            });
        });
    }

    /** A service's base URL, or its readiness URL itself. */
    static String readinessUrl(String url) {
        String path = URI.create(url).getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return url.replaceAll("/+$", "") + "/q/health/ready";
        }
        return url;
    }

    private Redis redis(Target target) {
        return redisClients.computeIfAbsent(target.name(), n -> Redis.createClient(vertx,
                new RedisOptions().setConnectionString(target.spec().url()).setMaxPoolSize(1).setMaxWaitingHandlers(16)));
    }

    private MongoClient mongo(Target target) {
        return mongoClients.computeIfAbsent(target.name(), n -> MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(target.spec().url()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(target.timeoutMs(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout((int) target.timeoutMs(), TimeUnit.MILLISECONDS))
                .build()));
    }

    static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    static String describe(Throwable t, Target target) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (t instanceof CircuitBreakerOpenException) {
            return "circuit open: checks paused after repeated failures";
        }
        if (t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                || root instanceof TimeoutException || String.valueOf(root.getMessage()).contains("timeout")) {
            return "timed out after " + target.timeoutMs() + " ms";
        }
        if (root instanceof UnknownHostException) {
            return "unknown host " + target.host();
        }
        if (root instanceof ConnectException) {
            return "connection refused";
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // A driver's message may quote the URL it was given, credentials included.
        message = Redact.credentialsIn(message);
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    @PreDestroy
    void close() {
        redisClients.values().forEach(Redis::close);
        mongoClients.values().forEach(MongoClient::close);
        http.close();
        tcp.close();
        tls.close();
    }
}
