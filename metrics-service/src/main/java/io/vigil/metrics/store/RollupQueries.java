package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.metrics.domain.EndpointAggregate;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey.EndpointKey;
import io.vigil.metrics.domain.Window;

/**
 * All rollups of a window: closed buckets from MongoDB (through {@link ClosedRollupCache}), open (or being closed) ones from Redis. The Redis side is
 * listed first and wins, so a bucket closing during the query is neither missed nor counted twice.
 */
@ApplicationScoped
public class RollupQueries {

    private final BucketReader redis;
    private final ClosedRollupCache mongo;
    private final RollupStore store;

    public RollupQueries(BucketReader redis, ClosedRollupCache mongo, RollupStore store) {
        this.redis = redis;
        this.mongo = mongo;
        this.store = store;
    }

    public List<Rollup> rollups(Window window, Optional<String> service) {
        Resolution res = window.resolution();
        Set<Long> inRedis = redis.unpersistedStarts(res, window.from(), window.to());
        List<Rollup> out = new ArrayList<>(mongo.closed(res, window.from(), window.to(), inRedis, service));
        out.addAll(redis.read(res, inRedis, service));
        return out;
    }

    /**
     * {@link #rollups} merged per endpoint: the closed buckets from a cached merge, the open ones added on top, with
     * the same answer to the last bit as merging {@link #rollups}' list one by one (sums are integers, so order and
     * grouping do not matter). An hourly window's open hours are not read as their 1 h hashes (600 series × ~100 bins
     * parsed on every query for 200 endpoints) but as their closed minutes, merged once and extended as minutes close,
     * plus the one or two minutes still open: the hour hash is by construction the sum of its minutes' hashes (one
     * {@code flush_bucket.lua} writes both), and a minute is read from Redis while it is open or closing and from
     * MongoDB once closed, exactly as buckets of any window are.
     */
    public Map<EndpointKey, EndpointAggregate> byEndpoint(Window window, Optional<String> service) {
        Resolution res = window.resolution();
        Set<Long> inRedis = redis.unpersistedStarts(res, window.from(), window.to());
        Map<EndpointKey, EndpointAggregate> out = new HashMap<>();
        mongo.closedByEndpoint(res, window.from(), window.to(), inRedis, service)
                .forEach((key, closed) -> out.put(key, closed.copy()));
        Set<Long> wholeHashes = inRedis;
        if (res == Resolution.HOUR) {
            wholeHashes = new TreeSet<>();
            for (long hour : inRedis) {
                if (minutesKept(hour)) {
                    addHourFromMinutes(out, hour, service);
                } else {
                    wholeHashes.add(hour);
                }
            }
        }
        addAll(out, redis.read(res, wholeHashes, service));
        return out;
    }

    private void addHourFromMinutes(Map<EndpointKey, EndpointAggregate> out, long hour, Optional<String> service) {
        long end = hour + Resolution.HOUR.seconds();
        Set<Long> openMinutes = redis.unpersistedStarts(Resolution.MINUTE, hour, end);
        mongo.closedByEndpoint(Resolution.MINUTE, hour, end, openMinutes, service)
                .forEach((key, closed) -> out.computeIfAbsent(key, k -> new EndpointAggregate()).add(closed));
        addAll(out, redis.read(Resolution.MINUTE, openMinutes, service));
    }

    /** The hour's minute rollups are all still in MongoDB (with an hour to spare before the purge could reach them). */
    private boolean minutesKept(long hour) {
        long now = System.currentTimeMillis() / 1000;
        return hour + store.retention(Resolution.MINUTE).toSeconds() > now + Resolution.HOUR.seconds();
    }

    private static void addAll(Map<EndpointKey, EndpointAggregate> out, List<Rollup> rollups) {
        for (Rollup r : rollups) {
            out.computeIfAbsent(r.key().endpointKey(), k -> new EndpointAggregate()).add(r);
        }
    }
}
