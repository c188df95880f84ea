package io.vigil.cache.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.Level;
import io.vigil.cache.domain.Lookup;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.domain.NewValue;
import io.vigil.cache.l1.L1Cache;
import io.vigil.cache.load.OriginClient;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.store.EntryStore;
import io.vigil.cache.stream.InvalidationReader;
import io.vigil.common.problem.ProblemException;

/**
 * Get-or-load, single-flight per key across all replicas: within a replica concurrent misses share one flight; across
 * replicas one flight wins the Redis lock (with a fencing token, so a loader whose lock expired cannot overwrite a
 * newer load) and calls the origin, the others wait for its value to appear in Redis. Also stale-while-revalidate
 * and refresh-ahead refreshes, which run through the same flights in the background.
 */
@ApplicationScoped
public class Loads {

    private static final long POLL_MS = 10;

    private final EntryStore store;
    private final OriginClient origin;
    private final L1Cache l1;
    private final InvalidationReader reader;
    private final CacheMetrics metrics;
    private final CacheServiceConfig config;
    private final Map<String, Uni<Lookup>> flights = new ConcurrentHashMap<>();
    /** Per namespace: at most loader.concurrency threads, loader.queue waiting; see {@link #workers(String)}. */
    private final Map<String, ThreadPoolExecutor> workers = new ConcurrentHashMap<>();
    /** Keys the origin answered 404 for, remembered loader.negative-ttl: a flood of misses asks it once per key. */
    private final Cache<String, Boolean> absent;

    public Loads(EntryStore store, OriginClient origin, L1Cache l1, InvalidationReader reader, CacheMetrics metrics,
            CacheServiceConfig config) {
        this.store = store;
        this.origin = origin;
        this.l1 = l1;
        this.reader = reader;
        this.metrics = metrics;
        this.config = config;
        this.absent = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(config.loader().negativeTtl().toMillis(), TimeUnit.MILLISECONDS).build();
    }

    @PreDestroy
    void stop() {
        workers.values().forEach(ExecutorService::shutdownNow);
    }

    private ThreadPoolExecutor workers(String ns) {
        return workers.computeIfAbsent(ns, n -> {
            int threads = config.loader().concurrency();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(Math.max(1, config.loader().queue())), r -> {
                        Thread t = new Thread(r, "cache-loader-" + n);
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        });
    }

    /** Joins (or starts) this replica's flight for the key. */
    public Uni<Lookup> load(String ns, NamespaceSettings settings, String key) {
        String id = flightId(ns, key);
        return flights.computeIfAbsent(id, k -> flight(id, ns, settings, key));
    }

    private Uni<Lookup> flight(String id, String ns, NamespaceSettings settings, String key) {
        AtomicReference<Uni<Lookup>> self = new AtomicReference<>();
        // a plain CompletableFuture on the loader pool: the request's Vert.x context must not follow the blocking
        // origin call (the fault-tolerance guard would schedule its timeout on that context and never return)
        Uni<Lookup> flight = Uni.createFrom()
                .completionStage(() -> start(ns, settings, key))
                // a block, not an expression: eventually(Supplier<Uni>) would subscribe to the flight itself; only
                // this flight, a write may already have replaced it (forget)
                .eventually(() -> {
                    flights.remove(id, self.get());
                })
                .memoize().indefinitely();
        self.set(flight);
        return flight;
    }

    private CompletableFuture<Lookup> start(String ns, NamespaceSettings settings, String key) {
        if (absent.getIfPresent(flightId(ns, key)) != null) {
            return CompletableFuture.failedFuture(notFound(ns, key));
        }
        try {
            return CompletableFuture.supplyAsync(() -> loadBlocking(ns, settings, key), workers(ns));
        } catch (RejectedExecutionException e) {
            metrics.load(ns, "rejected", 0);
            return CompletableFuture.failedFuture(new RetryLater("namespace '" + ns + "' has "
                    + config.loader().concurrency() + " loads running and " + config.loader().queue()
                    + " waiting; retry later", 1));
        }
    }

    /**
     * A write of the key happened (its script deleted the load lock, so a load in flight cannot store its older
     * value): requests from now on start a new flight instead of joining the one that began before the write.
     */
    public void forget(String ns, String key) {
        flights.remove(flightId(ns, key));
        absent.invalidate(flightId(ns, key));
    }

    private static String flightId(String ns, String key) {
        return ns + '\u0000' + key;
    }

    public void refreshInBackground(String ns, NamespaceSettings settings, String key) {
        load(ns, settings, key).subscribe().with(x -> { }, t -> Log.debugf("refresh of %s/%s failed: %s", ns, key,
                t.getMessage()));
    }

    /** Refresh-ahead: a hit with less than refreshAheadRatio of its TTL left is reloaded in the background. */
    public void refreshAheadIfDue(String ns, NamespaceSettings settings, String key, Entry e) {
        if (settings.hasLoader() && dueForRefresh(settings, e, System.currentTimeMillis())) {
            refreshInBackground(ns, settings, key);
        }
    }

    /**
     * Loads one key; the flight's caller(s) get LOAD when this replica called the origin, L2 when another replica
     * did, STALE when the origin failed and an older value is still within its grace.
     */
    public Lookup loadBlocking(String ns, NamespaceSettings settings, String key) {
        long lockTtl = config.loader().lockTtl().toMillis();
        long deadline = System.currentTimeMillis() + lockTtl + config.loader().timeout().toMillis();
        while (System.currentTimeMillis() < deadline) {
            long epoch = reader.connected() ? l1.epoch(ns) : -1;
            Entry current = await(store.get(ns, false, List.of(key))).get(0);
            long now = System.currentTimeMillis();
            if (current != null && !dueForRefresh(settings, current, now)) {
                l1.offer(ns, key, current, epoch);
                return new Lookup(current, Level.L2, null);
            }
            EntryStore.Lock lock = await(store.lock(ns, key, lockTtl));
            if (lock.held()) {
                return loadHoldingLock(ns, settings, key, lock.token(), current, epoch);
            }
            if (current != null && current.fresh(now)) {
                // another replica is refreshing ahead: the current value is still good
                return new Lookup(current, Level.L2, null);
            }
            sleep(POLL_MS);
        }
        throw new ProblemException(503, "Service unavailable", "loading key '" + key + "' of namespace '" + ns
                + "' did not finish in time");
    }

    private Lookup loadHoldingLock(String ns, NamespaceSettings settings, String key, long token, Entry seen,
            long epoch) {
        // another replica may have filled the key and released the lock between our read and our lock
        Entry current = await(store.get(ns, false, List.of(key))).get(0);
        if (current != null && !dueForRefresh(settings, current, System.currentTimeMillis())) {
            release(ns, key, token);
            l1.offer(ns, key, current, epoch);
            return new Lookup(current, Level.L2, null);
        }
        long start = System.nanoTime();
        OriginClient.Loaded loaded;
        try {
            loaded = origin.fetch(ns, settings.loaderUrl(), key);
        } catch (OriginClient.NotFound e) {
            metrics.load(ns, "not_found", System.nanoTime() - start);
            // remembered only if no write of the key happened meanwhile (it would have deleted our lock)
            if (release(ns, key, token)) {
                absent.put(flightId(ns, key), Boolean.TRUE);
            }
            throw notFound(ns, key);
        } catch (RuntimeException e) {
            boolean open = e instanceof CircuitBreakerOpenException;
            metrics.load(ns, open ? "rejected" : "failure", open ? 0 : System.nanoTime() - start);
            release(ns, key, token);
            if (current != null && System.currentTimeMillis() < current.hardExpireAtMs()) {
                return new Lookup(current, Level.STALE, "origin-unavailable");
            }
            String why = open ? "its circuit breaker is open"
                    : e.getMessage();
            throw new ProblemException(503, "Service unavailable", "the loader of namespace '" + ns
                    + "' failed: " + why);
        }
        metrics.load(ns, "success", System.nanoTime() - start);
        if (loaded.value().length > config.maxValueBytes()) {
            release(ns, key, token);
            throw new ProblemException(502, "Bad gateway", "the loader's value for '" + key + "' exceeds "
                    + config.maxValueBytes() + " bytes");
        }
        NewValue v = new NewValue(key, loaded.value(), loaded.contentType(), List.of(), settings.defaultTtlMs());
        String version = await(store.fill(ns, settings, token, v));
        if (version == null) {
            // fenced out: our lock expired and a newer load owns the key; serve what it stored
            metrics.load(ns, "fenced", 0);
            Entry now = await(store.get(ns, false, List.of(key))).get(0);
            if (now != null) {
                return new Lookup(now, Level.L2, null);
            }
        }
        long t = System.currentTimeMillis();
        Entry e = new Entry(v.value(), v.contentType(), v.tags(), version == null ? "0-0" : version,
                t + v.ttlMs(), t + v.ttlMs() + settings.staleGraceMs(), v.ttlMs(), v.value().length);
        if (version != null) {
            l1.invalidate(ns, key, version);
            l1.offer(ns, key, e, epoch);
        }
        return new Lookup(e, Level.LOAD, null);
    }

    private static boolean dueForRefresh(NamespaceSettings settings, Entry e, long now) {
        if (!e.fresh(now)) {
            return true;
        }
        return settings.refreshAheadRatio() > 0
                && e.expireAtMs() - now < (long) (settings.refreshAheadRatio() * e.ttlMs());
    }

    private static ProblemException notFound(String ns, String key) {
        return ProblemException.notFound("key '" + key + "' is not in namespace '" + ns
                + "' and its loader has no value for it");
    }

    /** @return whether we still held the lock (no write of the key since we took it) */
    private boolean release(String ns, String key, long token) {
        try {
            return await(store.unlock(ns, key, token));
        } catch (RuntimeException e) {
            Log.debugf("unlock of %s/%s failed (expires by itself): %s", ns, key, e.getMessage());
            return false;
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "Service unavailable", "interrupted while waiting for a load");
        }
    }
}
