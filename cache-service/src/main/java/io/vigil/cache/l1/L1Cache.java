package io.vigil.cache.l1;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.domain.StreamIds;
import io.vigil.cache.metrics.CacheMetrics;

/**
 * This replica's L1: one Caffeine cache (W-TinyLFU) per namespace, each entry expiring when it stops being fresh in
 * Redis. Coherence rules, all applied under Caffeine's per-key lock:
 * <ul>
 * <li>an invalidation with stream id X removes the key unless the L1 copy's version is X or newer (this replica's
 * own write), and leaves a short-lived tombstone X;</li>
 * <li>a value read from Redis is offered with its version and the epoch taken before the read; it is refused when
 * a tombstone or namespace floor is newer (the invalidation overtook the read), or when the epoch moved (L1 was
 * cleared, or the namespace was not yet tracked by the invalidation reader, while the read was in flight).</li>
 * </ul>
 */
@ApplicationScoped
public class L1Cache {

    /** Longer than any Redis read can take, so an overtaken read always finds its tombstone. */
    private static final long TOMBSTONE_MS = 30_000;

    private final CacheMetrics metrics;
    private final Map<String, Space> spaces = new ConcurrentHashMap<>();

    public L1Cache(CacheMetrics metrics) {
        this.metrics = metrics;
    }

    /** Creates or re-creates (on a settings change) a namespace's L1; it stays unused until {@link #track}. */
    public void configure(String ns, NamespaceSettings settings) {
        Space old = spaces.get(ns);
        if (old != null && old.settings.equals(settings)) {
            return;
        }
        Space fresh = new Space(ns, settings, metrics);
        if (old != null) {
            fresh.tracked = old.tracked;
            fresh.floor = old.floor;
            fresh.epoch.set(old.epoch.get() + 1);
        }
        spaces.put(ns, fresh);
    }

    public void remove(String ns) {
        Space s = spaces.remove(ns);
        if (s != null) {
            s.epoch.incrementAndGet();
            s.cache.invalidateAll();
        }
    }

    /** The invalidation reader now knows its position in this namespace's stream: L1 may be filled. */
    public void track(String ns, boolean tracked) {
        Space s = spaces.get(ns);
        if (s != null) {
            s.epoch.incrementAndGet();
            s.tracked = tracked;
        }
    }

    public Entry get(String ns, String key) {
        Space s = spaces.get(ns);
        if (s == null || !s.enabled()) {
            return null;
        }
        Entry e = s.cache.getIfPresent(key);
        return e != null && e.fresh(System.currentTimeMillis()) ? e : null;
    }

    /** The epoch to pass to {@link #offer}, taken before the Redis read; -1 when L1 is not usable now. */
    public long epoch(String ns) {
        Space s = spaces.get(ns);
        return s == null || !s.enabled() ? -1 : s.epoch.get();
    }

    public void offer(String ns, String key, Entry e, long epoch) {
        Space s = spaces.get(ns);
        if (s == null || epoch < 0 || !e.fresh(System.currentTimeMillis())) {
            return;
        }
        s.cache.asMap().compute(key, (k, current) -> {
            if (s.epoch.get() != epoch || !s.enabled()) {
                return current;
            }
            String floor = s.floor;
            String tomb = s.tombstones.getIfPresent(k);
            if ((floor != null && StreamIds.compare(floor, e.version()) > 0)
                    || (tomb != null && StreamIds.compare(tomb, e.version()) > 0)) {
                return current;
            }
            return current != null && StreamIds.compare(current.version(), e.version()) > 0 ? current : e;
        });
    }

    /** Applies one key's invalidation published with stream id {@code id}. */
    public void invalidate(String ns, String key, String id) {
        Space s = spaces.get(ns);
        if (s == null) {
            return;
        }
        s.cache.asMap().compute(key, (k, current) -> {
            String tomb = s.tombstones.getIfPresent(k);
            if (tomb == null || StreamIds.compare(id, tomb) > 0) {
                s.tombstones.put(k, id);
            }
            return current != null && StreamIds.compare(current.version(), id) >= 0 ? current : null;
        });
    }

    /** Namespace-wide invalidation: drops every L1 entry older than {@code id}; older reads in flight are refused. */
    public void invalidateAll(String ns, String id) {
        Space s = spaces.get(ns);
        if (s == null) {
            return;
        }
        s.floor = id;
        s.cache.asMap().entrySet().removeIf(en -> StreamIds.compare(en.getValue().version(), id) < 0);
    }

    /** Forgets everything of a namespace (its invalidations may have been missed): reads in flight are refused. */
    public void clear(String ns) {
        Space s = spaces.get(ns);
        if (s != null) {
            s.epoch.incrementAndGet();
            s.cache.invalidateAll();
        }
    }

    public long size(String ns) {
        Space s = spaces.get(ns);
        return s == null ? 0 : s.cache.estimatedSize();
    }

    private static final class Space {
        final NamespaceSettings settings;
        final Cache<String, Entry> cache;
        final Cache<String, String> tombstones;
        final AtomicLong epoch = new AtomicLong();
        volatile boolean tracked;
        volatile String floor;

        Space(String ns, NamespaceSettings settings, CacheMetrics metrics) {
            this.settings = settings;
            long entries = Math.max(1, settings.l1MaxEntries());
            long bytes = settings.l1MaxWeightBytes();
            // One weight bound enforces both limits: each entry weighs at least bytes/entries, so no more than
            // `entries` fit, and the total of the value bytes stays under `bytes`.
            long bound = bytes > 0 ? bytes : entries;
            long floorWeight = bytes > 0 ? Math.max(1, bytes / entries) : 1;
            this.cache = Caffeine.newBuilder()
                    .maximumWeight(bound)
                    .weigher((String k, Entry e) -> (int) Math.min(Integer.MAX_VALUE,
                            bytes > 0 ? Math.max(floorWeight, e.weight()) : 1))
                    .expireAfter(new Expiry<String, Entry>() {
                        @Override
                        public long expireAfterCreate(String k, Entry e, long now) {
                            return TimeUnit.MILLISECONDS.toNanos(Math.max(1, e.expireAtMs() - System.currentTimeMillis()));
                        }

                        @Override
                        public long expireAfterUpdate(String k, Entry e, long now, long current) {
                            return expireAfterCreate(k, e, now);
                        }

                        @Override
                        public long expireAfterRead(String k, Entry e, long now, long current) {
                            return current;
                        }
                    })
                    .removalListener((String k, Entry e, RemovalCause cause) -> {
                        if (cause.wasEvicted()) {
                            metrics.eviction(ns, cause == RemovalCause.EXPIRED ? "expired" : "size");
                        }
                    })
                    .build();
            this.tombstones = Caffeine.newBuilder().maximumSize(200_000)
                    .expireAfterWrite(TOMBSTONE_MS, TimeUnit.MILLISECONDS).build();
        }

        boolean enabled() {
            return tracked && settings.usesL1();
        }
    }
}
