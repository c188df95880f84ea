package io.vigil.metrics.otlp;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SeriesKey;
import io.vigil.metrics.store.Aggregator;
import io.vigil.metrics.store.CardinalityCap;

/**
 * Hands OTLP timings to the same {@link Aggregator} the JSON samples go through (same bins, same 1 % bound), with the
 * back-pressure exporters understand: 429 when this replica's backlog of unflushed OTLP timings is full, 503 while
 * Redis refuses writes; both with {@code Retry-After}, so an exporter retries later instead of dropping data.
 */
@ApplicationScoped
public class OtlpIngest {

    private final Aggregator aggregator;
    private final CardinalityCap cap;
    private final Redis redis;
    private final OtlpConfig config;
    private final AtomicLong backlog = new AtomicLong();
    /** Services whose spans were marked in Redis recently (this replica), and when: so marking costs ~1 call/min. */
    private final Map<String, Long> spansMarked = new ConcurrentHashMap<>();
    /** Services checked for recent spans (this replica): answer and until when it holds. */
    private final Map<String, long[]> spansChecked = new ConcurrentHashMap<>();

    public OtlpIngest(Aggregator aggregator, CardinalityCap cap, Redis redis, OtlpConfig config, MeterRegistry meters) {
        this.aggregator = aggregator;
        this.cap = cap;
        this.redis = redis;
        this.config = config;
        Gauge.builder("vigil.metrics.otlp.backlog", backlog, AtomicLong::get)
                .description("OTLP timings accepted but not yet in Redis (429 above vigil.metrics.otlp.max-backlog)")
                .register(meters);
    }

    /** Refuses with 429/503 before decoding work is wasted on a request that cannot be taken. */
    void admit(long timings) {
        if (aggregator.refusedSeries() > 0) {
            throw new OtlpException(503, "Service Unavailable", "Redis refuses writes; retry later");
        }
        if (backlog.get() + timings > config.maxBacklog()) {
            throw new OtlpException(429, "Too Many Requests", "the ingest backlog is full ("
                    + backlog.get() + " timings waiting for Redis); retry later");
        }
    }

    /**
     * Records timings ({@code times} null: one request each; else a count per sample); completes once they are in
     * Redis, or fails (answered 503: retry).
     */
    CompletableFuture<Void> record(List<Sample> samples, long[] times) {
        long n = times == null ? samples.size() : java.util.Arrays.stream(times).sum();
        admit(n);
        backlog.addAndGet(n);
        CompletableFuture<Void> done = times == null ? aggregator.record(samples) : aggregator.recordCounts(samples, times);
        return done.whenComplete((v, e) -> backlog.addAndGet(-n));
    }

    /**
     * How many of the samples land in a folded series ({@code endpoint="other"} or {@code method="OTHER"}) because
     * their service is over a cardinality cap. Asks the same shared caps the flush folds by (decisions cached).
     */
    int folded(Collection<Sample> samples) {
        Map<SeriesKey, Boolean> seen = new HashMap<>();
        int folded = 0;
        for (Sample s : samples) {
            SeriesKey key = new SeriesKey(s.service(), s.endpoint(), s.method(), s.statusClass());
            if (seen.computeIfAbsent(key, k -> !cap.admit(k).equals(k))) {
                folded++;
            }
        }
        return folded;
    }

    /** Remembers (fleet-wide, for {@code spans-win-for}) that these services send spans. */
    void markSpans(Collection<String> services) {
        long now = System.currentTimeMillis();
        for (String service : services) {
            Long last = spansMarked.get(service);
            if (last == null || now - last > 60_000) {
                spansMarked.put(service, now);
                redis.send(Request.cmd(Command.SET).arg(spansKey(service)).arg(now).arg("PX")
                        .arg(config.spansWinFor().toMillis())).subscribe().with(r -> {
                        }, e -> spansMarked.remove(service));
            }
        }
    }

    /** Whether the service sent spans within {@code spans-win-for} (then its duration histograms are ignored). */
    boolean sendsSpans(String service) {
        long now = System.currentTimeMillis();
        long[] known = spansChecked.get(service);
        if (known != null && known[1] > now) {
            return known[0] == 1;
        }
        boolean spans = redis.sendAndAwait(Request.cmd(Command.EXISTS).arg(spansKey(service))).toLong() == 1;
        spansChecked.put(service, new long[] { spans ? 1 : 0, now + 10_000 });
        return spans;
    }

    /** Remembers how the service's histogram series were measured (endpoint|method → source), for the API. */
    void markSources(String service, Map<String, String> sources) {
        if (sources.isEmpty()) {
            return;
        }
        Request hset = Request.cmd(Command.HSET).arg(sourcesKey(service));
        sources.forEach((series, source) -> hset.arg(series).arg(source));
        redis.sendAndAwait(hset);
        redis.sendAndAwait(Request.cmd(Command.EXPIRE).arg(sourcesKey(service)).arg(7 * 86_400));
    }

    /** Series of the service recorded from OTLP histograms (so estimates), endpoint|method → how. */
    Map<String, String> sources(String service) {
        return io.vigil.common.redis.RedisHashes.toMap(
                redis.sendAndAwait(Request.cmd(Command.HGETALL).arg(sourcesKey(service))));
    }

    private static String sourcesKey(String service) {
        return "vigil:m:{svc:" + service + "}:otlp-sources";
    }

    private static String spansKey(String service) {
        return "vigil:m:{svc:" + service + "}:otlp-spans";
    }
}
