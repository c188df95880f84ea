package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.metrics.domain.EndpointAggregate;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey.EndpointKey;

/**
 * Closed buckets' rollups, read from MongoDB, the record: every bucket start of the window that Redis does not hold
 * open is looked up there, whatever Redis says. Redis only helps to cache: a bucket whose close counter
 * ({@code vigil:m:{res}:closed}, one HMGET per query) changes (closed again after a late sample) is re-read, so every
 * replica answers from the same data; a bucket without a counter (never closed, or the hash was evicted, flushed or
 * lost) is read from MongoDB too and cached as unknown until a close creates its counter. A counter is taken with the
 * hash's epoch ({@link RedisKeys#CLOSED_EPOCH}): after the hash is lost, a bucket closed once more counts 1 again, and
 * only the new epoch tells that 1 from the 1 cached before the loss.
 */
@ApplicationScoped
public class ClosedRollupCache {

    /** Upper bound of cached rollups (about 300 bytes each plus bins). */
    static final int MAX_ROLLUPS = 300_000;

    private static final String UNKNOWN = "none";

    /** Upper bound of endpoint aggregates in cached window merges (about 10 KB each: dense bins). */
    static final int MAX_MERGED_ENDPOINTS = 2_000;

    private record Entry(String version, List<Rollup> rollups) {
    }

    private record Merge(Map<Long, String> versions, Map<EndpointKey, EndpointAggregate> byEndpoint) {
    }

    private final Redis redis;
    private final RollupStore mongo;
    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private int size;
    private final Map<String, Merge> merged = new LinkedHashMap<>(16, 0.75f, true);
    private int mergedSize;

    public ClosedRollupCache(Redis redis, RollupStore mongo) {
        this.redis = redis;
        this.mongo = mongo;
    }

    /** Closed rollups with start in {@code [from, to)}, except the buckets in {@code skip} (read from Redis). */
    public List<Rollup> closed(Resolution res, long from, long to, Set<Long> skip, Optional<String> service) {
        return closed(res, wanted(res, from, to, skip), service);
    }

    /**
     * The same rollups as {@link #closed} merged per endpoint, from a cache of whole-window merges kept while every
     * bucket's close counter is unchanged: a repeated 24 h query merges the closed hours once, not on every call
     * (15,000 rollups for 200 endpoints). When buckets have closed since (the earlier merge's buckets are all still
     * closed with the same counters), only the newly closed ones are added to a copy of it: as buckets of an hour
     * close minute by minute, each close costs one bucket's rollups, not the hour's. Sums are integers
     * ({@link io.vigil.metrics.domain.Histogram}), so an answer built on either is identical to merging {@link #closed}'s
     * list one by one. The maps returned are shared: copy an aggregate before adding to it.
     */
    public Map<EndpointKey, EndpointAggregate> closedByEndpoint(Resolution res, long from, long to, Set<Long> skip,
            Optional<String> service) {
        Map<Long, String> wanted = wanted(res, from, to, skip);
        String key = res.label() + ":" + from + ":" + to + ":" + service.orElse("");
        Merge m;
        synchronized (merged) {
            m = merged.get(key);
        }
        if (m != null && m.versions().equals(wanted)) {
            return m.byEndpoint();
        }
        Map<EndpointKey, EndpointAggregate> byEndpoint = new HashMap<>();
        Map<Long, String> added = wanted;
        if (m != null && extendable(m.versions(), wanted)) {
            m.byEndpoint().forEach((k, agg) -> byEndpoint.put(k, agg.copy()));
            added = new HashMap<>(wanted);
            added.keySet().removeAll(m.versions().keySet());
        }
        for (Rollup r : closed(res, added, service)) {
            byEndpoint.computeIfAbsent(r.key().endpointKey(), k -> new EndpointAggregate()).add(r);
        }
        Map<EndpointKey, EndpointAggregate> result = Collections.unmodifiableMap(byEndpoint);
        synchronized (merged) {
            Merge old = merged.put(key, new Merge(wanted, result));
            mergedSize += result.size() - (old == null ? 0 : old.byEndpoint().size());
            Iterator<Merge> eldest = merged.values().iterator();
            while (mergedSize > MAX_MERGED_ENDPOINTS && merged.size() > 1) {
                mergedSize -= eldest.next().byEndpoint().size();
                eldest.remove();
            }
        }
        return result;
    }

    /** Every bucket of the earlier merge is still wanted at the same close counter (none reopened or re-closed). */
    private static boolean extendable(Map<Long, String> earlier, Map<Long, String> wanted) {
        for (Map.Entry<Long, String> e : earlier.entrySet()) {
            if (!e.getValue().equals(wanted.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Bucket start to close version (the hash's epoch and the start's counter; {@link #UNKNOWN}: no counter) of every
     * start in the window that Redis does not hold open.
     */
    private Map<Long, String> wanted(Resolution res, long from, long to, Set<Long> skip) {
        List<Long> starts = new ArrayList<>();
        for (long s = from; s < to; s += res.seconds()) {
            starts.add(s);
        }
        Map<Long, String> wanted = new HashMap<>();
        if (starts.isEmpty()) {
            return wanted;
        }
        Request hmget = Request.cmd(Command.HMGET).arg(RedisKeys.closedVersions(res)).arg(RedisKeys.CLOSED_EPOCH);
        starts.forEach(hmget::arg);
        Response versions = redis.sendAndAwait(hmget);
        String epoch = versions.get(0) == null ? "" : versions.get(0).toString();
        for (int i = 0; i < starts.size(); i++) {
            Response v = versions.get(i + 1);
            if (!skip.contains(starts.get(i))) {
                // No counter (never closed, or the hash was lost): still read from MongoDB, cached as UNKNOWN,
                // which any later close replaces (its HINCRBY makes the counter 1 or more).
                wanted.put(starts.get(i), v == null ? UNKNOWN : epoch + ":" + v);
            }
        }
        return wanted;
    }

    private List<Rollup> closed(Resolution res, Map<Long, String> wanted, Optional<String> service) {
        List<Rollup> out = new ArrayList<>();
        if (wanted.isEmpty()) {
            return out;
        }
        // In start order: every merge of these rollups adds them in the same order, so sums agree to the last bit.
        Map<Long, List<Rollup>> found = new TreeMap<>(load(res, wanted));
        for (List<Rollup> rollups : found.values()) {
            for (Rollup r : rollups) {
                if (service.isEmpty() || service.get().equals(r.key().service())) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private synchronized Map<Long, List<Rollup>> load(Resolution res, Map<Long, String> wanted) {
        Map<Long, List<Rollup>> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        wanted.forEach((start, version) -> {
            Entry e = entries.get(key(res, start));
            if (e != null && e.version().equals(version)) {
                out.put(start, e.rollups());
            } else {
                missing.add(start);
            }
        });
        if (!missing.isEmpty()) {
            Map<Long, List<Rollup>> loaded = new HashMap<>();
            missing.forEach(s -> loaded.put(s, new ArrayList<>()));
            for (Rollup r : mongo.findStarts(res, missing)) {
                loaded.get(r.start()).add(r);
            }
            loaded.forEach((start, rollups) -> {
                put(key(res, start), new Entry(wanted.get(start), rollups));
                out.put(start, rollups);
            });
        }
        return out;
    }

    private void put(String key, Entry entry) {
        Entry old = entries.put(key, entry);
        size += entry.rollups().size() - (old == null ? 0 : old.rollups().size());
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (size > MAX_ROLLUPS && eldest.hasNext()) {
            Map.Entry<String, Entry> e = eldest.next();
            if (e.getKey().equals(key)) {
                break;
            }
            size -= e.getValue().rollups().size();
            eldest.remove();
        }
    }

    private static String key(Resolution res, long start) {
        return res.label() + ":" + start;
    }
}
