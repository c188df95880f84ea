package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;

/**
 * Closed buckets' rollups, read from MongoDB, the record: every bucket start of the window that Redis does not hold
 * open is looked up there, whatever Redis says. Redis only helps to cache: a bucket whose close counter
 * ({@code vigil:m:{res}:closed}, one HMGET per query) changes (closed again after a late sample) is re-read, so every
 * replica answers from the same data; a bucket without a counter (never closed, or the hash was evicted, flushed or
 * lost) is read from MongoDB too and cached under version -1 until a close creates its counter.
 */
@ApplicationScoped
public class ClosedRollupCache {

    /** Upper bound of cached rollups (about 300 bytes each plus bins). */
    static final int MAX_ROLLUPS = 300_000;

    private static final long UNKNOWN = -1;

    private record Entry(long version, List<Rollup> rollups) {
    }

    private final Redis redis;
    private final RollupStore mongo;
    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private int size;

    public ClosedRollupCache(Redis redis, RollupStore mongo) {
        this.redis = redis;
        this.mongo = mongo;
    }

    /** Closed rollups with start in {@code [from, to)}, except the buckets in {@code skip} (read from Redis). */
    public List<Rollup> closed(Resolution res, long from, long to, Set<Long> skip, Optional<String> service) {
        List<Long> starts = new ArrayList<>();
        for (long s = from; s < to; s += res.seconds()) {
            starts.add(s);
        }
        List<Rollup> out = new ArrayList<>();
        if (starts.isEmpty()) {
            return out;
        }
        Request hmget = Request.cmd(Command.HMGET).arg(RedisKeys.closedVersions(res));
        starts.forEach(hmget::arg);
        Response versions = redis.sendAndAwait(hmget);
        Map<Long, Long> wanted = new HashMap<>();
        for (int i = 0; i < starts.size(); i++) {
            Response v = versions.get(i);
            if (!skip.contains(starts.get(i))) {
                // No counter (never closed, or the hash was lost): still read from MongoDB, cached as version -1,
                // which any later close replaces (its HINCRBY makes the counter 1 or more).
                wanted.put(starts.get(i), v == null ? UNKNOWN : v.toLong());
            }
        }
        Map<Long, List<Rollup>> found = load(res, wanted);
        for (List<Rollup> rollups : found.values()) {
            for (Rollup r : rollups) {
                if (service.isEmpty() || service.get().equals(r.key().service())) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private synchronized Map<Long, List<Rollup>> load(Resolution res, Map<Long, Long> wanted) {
        Map<Long, List<Rollup>> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        wanted.forEach((start, version) -> {
            Entry e = entries.get(key(res, start));
            if (e != null && e.version() == version) {
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
