package io.vigil.metrics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.Pipelines;
import io.vigil.metrics.api.EndpointStats;
import io.vigil.metrics.api.SeriesPoint;
import io.vigil.metrics.api.ServiceSummary;
import io.vigil.metrics.domain.EndpointAggregate;
import io.vigil.metrics.domain.Metric;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey.EndpointKey;
import io.vigil.metrics.domain.Step;
import io.vigil.metrics.domain.Window;

/** Builds the query answers from merged rollups; nothing here averages averages. */
@ApplicationScoped
public class Reports {

    private static final Comparator<EndpointKey> ORDER = Comparator.comparing(EndpointKey::service)
            .thenComparing(EndpointKey::endpoint).thenComparing(EndpointKey::method);

    private final RollupQueries queries;
    private final Redis redis;

    public Reports(RollupQueries queries, Redis redis) {
        this.queries = queries;
        this.redis = redis;
    }

    /** Filters: empty matches all. */
    public record Filter(Optional<String> service, Optional<String> endpoint, Optional<String> method) {
        boolean matches(EndpointKey k) {
            return service.map(k.service()::equals).orElse(true) && endpoint.map(k.endpoint()::equals).orElse(true)
                    && method.map(m -> k.method().equalsIgnoreCase(m)).orElse(true);
        }
    }

    public List<EndpointStats> table(Window window, Filter filter) {
        Map<EndpointKey, EndpointAggregate> rows = new TreeMap<>(ORDER);
        queries.byEndpoint(window, filter.service()).forEach((key, agg) -> {
            if (filter.matches(key)) {
                rows.put(key, agg);
            }
        });
        List<EndpointStats> out = new ArrayList<>(rows.size());
        rows.forEach((key, agg) -> out.add(EndpointStats.of(key, agg, window.minutes())));
        return out;
    }

    public List<EndpointStats> top(Window window, Filter filter, Metric by, int limit) {
        List<EndpointStats> rows = new ArrayList<>(table(window, filter));
        rows.sort(Comparator.comparingDouble((EndpointStats s) -> s.value(by)).reversed());
        return rows.subList(0, Math.min(limit, rows.size()));
    }

    public List<SeriesPoint> series(Window window, Step step, Metric metric, Filter filter) {
        Window w = window.at(step.resolution());
        long first = w.from() - Math.floorMod(w.from(), step.seconds());
        Map<Long, EndpointAggregate> points = new HashMap<>();
        for (Rollup r : queries.rollups(w, filter.service())) {
            if (filter.matches(r.key().endpointKey())) {
                long t = r.start() - Math.floorMod(r.start(), step.seconds());
                points.computeIfAbsent(t, x -> new EndpointAggregate()).add(r);
            }
        }
        List<SeriesPoint> out = new ArrayList<>();
        for (long t = first; t < w.to(); t += step.seconds()) {
            EndpointAggregate a = points.getOrDefault(t, new EndpointAggregate());
            double value = Math.round(a.metric(metric, step.seconds() / 60.0) * 1000) / 1000.0;
            out.add(new SeriesPoint(Instant.ofEpochSecond(t).toString(), value, a.count()));
        }
        return out;
    }

    public ServiceSummary summary(Window window, String service) {
        EndpointAggregate all = new EndpointAggregate();
        Map<EndpointKey, Boolean> endpoints = new HashMap<>();
        for (Rollup r : queries.rollups(window, Optional.of(service))) {
            all.add(r);
            endpoints.put(r.key().endpointKey(), true);
        }
        Filter filter = new Filter(Optional.of(service), Optional.empty(), Optional.empty());
        List<EndpointStats> slowest = top(window, filter, Metric.P95, 5);
        Response folds = redis.sendAndAwait(Request.cmd(Command.GET).arg(RedisKeys.folds(service)));
        double m = window.minutes();
        return new ServiceSummary(service, Instant.ofEpochSecond(window.from()).toString(),
                Instant.ofEpochSecond(window.to()).toString(), all.count(), r(all.metric(Metric.THROUGHPUT, m)),
                all.errors4xx(), all.errors5xx(), r(all.metric(Metric.ERROR_RATE, m)), r(all.metric(Metric.P50, m)),
                r(all.metric(Metric.P90, m)), r(all.metric(Metric.P95, m)), r(all.metric(Metric.P99, m)),
                r(all.metric(Metric.MAX, m)), all.warn(), all.critical(), endpoints.size(),
                folds == null ? 0 : folds.toLong(), slowest);
    }

    public List<String> services() {
        List<String> out = new ArrayList<>();
        Response members = redis.sendAndAwait(Request.cmd(Command.SMEMBERS).arg(RedisKeys.SERVICES));
        if (members != null) {
            members.forEach(m -> out.add(m.toString()));
        }
        out.sort(null);
        return out;
    }

    /** Most recent slow requests of one service (or of all), newest first. */
    public List<String> slowRequests(Optional<String> service, int limit) {
        List<String> services = service.map(List::of).orElseGet(this::services);
        List<Request> reads = new ArrayList<>();
        for (String s : services) {
            reads.add(Request.cmd(Command.LRANGE).arg(RedisKeys.slow(s)).arg(0).arg(-1));
        }
        List<String> out = new ArrayList<>();
        if (reads.isEmpty()) {
            return out;
        }
        for (Response list : Pipelines.run(redis, reads)) {
            list.forEach(item -> out.add(item.toString()));
        }
        return out;
    }

    private static double r(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
