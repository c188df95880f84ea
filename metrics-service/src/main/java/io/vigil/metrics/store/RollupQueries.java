package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    public RollupQueries(BucketReader redis, ClosedRollupCache mongo) {
        this.redis = redis;
        this.mongo = mongo;
    }

    public List<Rollup> rollups(Window window, Optional<String> service) {
        Resolution res = window.resolution();
        Set<Long> inRedis = redis.unpersistedStarts(res, window.from(), window.to());
        List<Rollup> out = new ArrayList<>(mongo.closed(res, window.from(), window.to(), inRedis, service));
        out.addAll(redis.read(res, inRedis, service));
        return out;
    }

    /**
     * {@link #rollups} merged per endpoint: the closed buckets from a cached merge, the open ones added on top, in the
     * same order as merging {@link #rollups}' list one by one (so the same answer to the last bit).
     */
    public Map<EndpointKey, EndpointAggregate> byEndpoint(Window window, Optional<String> service) {
        Resolution res = window.resolution();
        Set<Long> inRedis = redis.unpersistedStarts(res, window.from(), window.to());
        Map<EndpointKey, EndpointAggregate> out = new HashMap<>();
        mongo.closedByEndpoint(res, window.from(), window.to(), inRedis, service)
                .forEach((key, closed) -> out.put(key, closed.copy()));
        for (Rollup r : redis.read(res, inRedis, service)) {
            out.computeIfAbsent(r.key().endpointKey(), k -> new EndpointAggregate()).add(r);
        }
        return out;
    }
}
