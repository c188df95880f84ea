package io.vigil.cache.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.Level;
import io.vigil.cache.domain.Lookup;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.domain.NewValue;
import io.vigil.cache.l1.L1Cache;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.store.EntryStore;
import io.vigil.cache.store.NamespaceRegistry;
import io.vigil.cache.stream.InvalidationReader;
import io.vigil.common.problem.ProblemException;

/**
 * Reads and writes through both levels. A read tries L1 (only while the invalidation reader is connected: otherwise
 * L1 may be missing invalidations), then Redis, then the namespace's loader; when Redis fails it serves what L1 has,
 * marked stale. Every write goes to Redis first (which publishes its invalidation atomically) and is then applied to
 * this replica's L1 at once, so a caller reads its own writes on the replica it wrote to.
 */
@ApplicationScoped
public class CacheService {

    private final NamespaceRegistry registry;
    private final EntryStore store;
    private final L1Cache l1;
    private final InvalidationReader reader;
    private final CacheMetrics metrics;
    private final Loads loads;

    public CacheService(NamespaceRegistry registry, EntryStore store, L1Cache l1, InvalidationReader reader,
            CacheMetrics metrics, Loads loads) {
        this.registry = registry;
        this.store = store;
        this.l1 = l1;
        this.reader = reader;
        this.metrics = metrics;
        this.loads = loads;
    }

    /**
     * The hot path: an L1 hit answered synchronously (no Redis call, no Uni, no hop off the event loop); null when
     * the key is not in L1, L1 is not usable now (reader disconnected) or the namespace is not known here yet.
     */
    public Lookup l1Hit(String ns, String key) {
        NamespaceSettings settings = registry.known(ns);
        if (settings == null || !reader.connected()) {
            return null;
        }
        return l1Hit(ns, settings, key);
    }

    private Lookup l1Hit(String ns, NamespaceSettings settings, String key) {
        Entry hit = l1.get(ns, key);
        if (hit == null) {
            return null;
        }
        metrics.lookup(ns, "l1", "hit");
        loads.refreshAheadIfDue(ns, settings, key, hit);
        return new Lookup(hit, Level.L1, null);
    }

    /** @return the value, or null when absent (and not loadable) */
    public Uni<Lookup> get(String ns, String key, boolean load) {
        return registry.require(ns).chain(settings -> {
            if (reader.connected()) {
                Lookup hit = l1Hit(ns, settings, key);
                if (hit != null) {
                    return Uni.createFrom().item(hit);
                }
                if (settings.usesL1()) {
                    metrics.lookup(ns, "l1", "miss");
                }
            }
            long epoch = reader.connected() ? l1.epoch(ns) : -1;
            return store.get(ns, settings.slidingExpiry(), List.of(key))
                    .chain(found -> fromL2(ns, settings, key, found.get(0), epoch, load))
                    .onFailure(RedisUnavailable::is).recoverWithUni(t -> fromL1WhileRedisDown(ns, key, t));
        });
    }

    /**
     * {@link #get} for the Vert.x route. In a namespace this replica knows, the L2 read and an L2 hit run without
     * Mutiny ({@link EntryStore#getOne}: one EVALSHA on the Vert.x client, issue 19); everything else (miss, stale,
     * load, Redis down, unknown namespace) takes the same Uni steps as {@link #get}. The same coherence rules: the L1
     * epoch is taken before the read, the value offered to L1 with it.
     */
    public Future<Lookup> getNow(String ns, String key, boolean load) {
        NamespaceSettings settings = registry.known(ns);
        if (settings == null) {
            return future(get(ns, key, load));
        }
        if (reader.connected()) {
            Lookup hit = l1Hit(ns, settings, key);
            if (hit != null) {
                return Future.succeededFuture(hit);
            }
            if (settings.usesL1()) {
                metrics.lookup(ns, "l1", "miss");
            }
        }
        long epoch = reader.connected() ? l1.epoch(ns) : -1;
        return store.getOne(ns, settings.slidingExpiry(), key).transform(ar -> {
            if (ar.failed()) {
                return RedisUnavailable.is(ar.cause()) ? future(fromL1WhileRedisDown(ns, key, ar.cause()))
                        : Future.failedFuture(ar.cause());
            }
            Entry e = ar.result();
            if (e != null && e.fresh(System.currentTimeMillis())) {
                metrics.lookup(ns, "l2", "hit");
                l1.offer(ns, key, e, epoch);
                loads.refreshAheadIfDue(ns, settings, key, e);
                return Future.succeededFuture(new Lookup(e, Level.L2, null));
            }
            return future(fromL2(ns, settings, key, e, epoch, load)
                    .onFailure(RedisUnavailable::is).recoverWithUni(t -> fromL1WhileRedisDown(ns, key, t)));
        });
    }

    private static <T> Future<T> future(Uni<T> uni) {
        Promise<T> done = Promise.promise();
        uni.subscribe().with(done::complete, done::fail);
        return done.future();
    }

    private Uni<Lookup> fromL1WhileRedisDown(String ns, String key, Throwable cause) {
        Entry kept = l1.get(ns, key);
        if (kept == null) {
            return Uni.createFrom().failure(RedisUnavailable.problem(cause));
        }
        metrics.lookup(ns, "l1", "stale");
        return Uni.createFrom().item(new Lookup(kept, Level.L1, "redis-unavailable"));
    }

    private Uni<Lookup> fromL2(String ns, NamespaceSettings settings, String key, Entry e, long epoch,
            boolean load) {
        long now = System.currentTimeMillis();
        if (e != null && e.fresh(now)) {
            metrics.lookup(ns, "l2", "hit");
            l1.offer(ns, key, e, epoch);
            loads.refreshAheadIfDue(ns, settings, key, e);
            return Uni.createFrom().item(new Lookup(e, Level.L2, null));
        }
        if (e != null && settings.hasLoader()) {
            // stale-while-revalidate: the old value now, one refresh in the background
            metrics.lookup(ns, "l2", "stale");
            loads.refreshInBackground(ns, settings, key);
            return Uni.createFrom().item(new Lookup(e, Level.STALE, "revalidating"));
        }
        metrics.lookup(ns, "l2", "miss");
        if (load && settings.hasLoader()) {
            return loads.load(ns, settings, key);
        }
        return Uni.createFrom().nullItem();
    }

    /** Bulk get: L1 first, every remaining key in one Redis round trip. Missing keys are absent from the map. */
    public Uni<Map<String, Lookup>> getMany(String ns, List<String> keys) {
        return registry.require(ns).chain(settings -> {
            Map<String, Lookup> out = new HashMap<>();
            List<String> rest = new ArrayList<>();
            boolean useL1 = reader.connected();
            for (String key : keys) {
                Entry hit = useL1 ? l1.get(ns, key) : null;
                if (hit != null) {
                    metrics.lookup(ns, "l1", "hit");
                    out.put(key, new Lookup(hit, Level.L1, null));
                } else if (!out.containsKey(key) && !rest.contains(key)) {
                    rest.add(key);
                }
            }
            if (rest.isEmpty()) {
                return Uni.createFrom().item(out);
            }
            long epoch = useL1 ? l1.epoch(ns) : -1;
            return store.get(ns, settings.slidingExpiry(), rest).map(entries -> {
                long now = System.currentTimeMillis();
                for (int i = 0; i < rest.size(); i++) {
                    Entry e = entries.get(i);
                    if (e != null && e.fresh(now)) {
                        metrics.lookup(ns, "l2", "hit");
                        l1.offer(ns, rest.get(i), e, epoch);
                        out.put(rest.get(i), new Lookup(e, Level.L2, null));
                    } else {
                        metrics.lookup(ns, "l2", "miss");
                    }
                }
                return out;
            }).onFailure(RedisUnavailable::is).recoverWithItem(t -> {
                for (String key : rest) {
                    Entry kept = l1.get(ns, key);
                    if (kept != null) {
                        out.put(key, new Lookup(kept, Level.L1, "redis-unavailable"));
                    }
                }
                return out;
            });
        });
    }

    /** Bulk or single put in one round trip; returns the version the entries now carry. */
    public Uni<String> put(String ns, NamespaceSettings settings, List<NewValue> values) {
        for (NewValue v : values) {
            if (v.ttlMs() <= 0 || v.ttlMs() > settings.maxTtlMs()) {
                throw ProblemException.invalid("ttlMs", "must be 1.." + settings.maxTtlMs()
                        + " (the namespace's maxTtlMs)");
            }
        }
        long epoch = reader.connected() ? l1.epoch(ns) : -1;
        return store.put(ns, settings, values)
                .onFailure(RedisUnavailable::is).transform(RedisUnavailable::problem)
                .invoke(version -> {
                    long now = System.currentTimeMillis();
                    for (NewValue v : values) {
                        loads.forget(ns, v.key());
                        l1.invalidate(ns, v.key(), version);
                        Entry e = new Entry(v.value(), v.contentType(), v.tags(), version, now + v.ttlMs(),
                                now + v.ttlMs() + settings.staleGraceMs(), v.ttlMs(), v.value().length);
                        l1.offer(ns, v.key(), e, epoch);
                    }
                });
    }

    public Uni<Long> delete(String ns, List<String> keys) {
        return registry.require(ns).chain(s -> store.delete(ns, keys))
                .onFailure(RedisUnavailable::is).transform(RedisUnavailable::problem)
                .map(d -> {
                    for (String key : keys) {
                        loads.forget(ns, key);
                        l1.invalidate(ns, key, d.id());
                    }
                    metrics.invalidations(ns, "key", d.count());
                    return d.count();
                });
    }

    /** Deletes every key carrying the tag, in batches; returns how many. */
    public long invalidateTag(String ns, String tag, int batch) {
        long total = 0;
        while (true) {
            EntryStore.Deleted d;
            try {
                d = store.invalidateTagBatch(ns, tag, batch).await().atMost(java.time.Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                throw RedisUnavailable.is(e) ? RedisUnavailable.problem(e) : e;
            }
            if (d.names().isEmpty()) {
                metrics.invalidations(ns, "tag", total);
                return total;
            }
            for (String key : d.names()) {
                l1.invalidate(ns, key, d.id());
            }
            total += d.count();
        }
    }
}
