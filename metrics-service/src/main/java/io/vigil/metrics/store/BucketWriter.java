package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.common.event.Streams;
import io.vigil.metrics.api.PrometheusExport;
import io.vigil.metrics.stream.SampleStreamReader;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.LatencyBins;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SeriesAccumulator;
import io.vigil.metrics.domain.SeriesKey;

/**
 * Writes one {@link PendingBatch} to Redis in a single pipeline: first the indexes (which buckets are open and which
 * series they hold), then the histogram merges, so a crash in between can only leave an index entry without data,
 * never data that no closer will find.
 */
@ApplicationScoped
public class BucketWriter {

    private final Redis redis;
    private final EndpointCap cap;
    private final PrometheusExport prometheus;
    private final IngestMeters meters;
    private final ObjectMapper mapper;
    private final MetricsConfig config;

    public BucketWriter(Redis redis, EndpointCap cap, PrometheusExport prometheus, IngestMeters meters,
            ObjectMapper mapper, MetricsConfig config) {
        this.redis = redis;
        this.cap = cap;
        this.prometheus = prometheus;
        this.meters = meters;
        this.mapper = mapper;
        this.config = config;
    }

    /** TTL of an open bucket: long enough to survive a closer outage of a day. */
    long openTtlSeconds(Resolution res) {
        return res.seconds() + config.maxSampleAge().toSeconds() + config.lateGrace().toSeconds() + 86_400;
    }

    public void write(PendingBatch batch) {
        Map<String, Long> folds = new HashMap<>();
        Map<String, SeriesAccumulator> units = fold(batch, folds);

        List<Request> requests = new ArrayList<>();
        Set<String> services = new HashSet<>();
        Map<String, Long> ttls = new HashMap<>();
        // One SADD per bucket index with all its series, then its TTL and its entry in the open set.
        Map<String, Set<String>> indexes = new LinkedHashMap<>();
        Map<String, Request> opened = new LinkedHashMap<>();
        for (SeriesAccumulator acc : units.values()) {
            services.add(acc.key().service());
            for (Resolution res : Resolution.ALL) {
                long start = res.bucketStart(acc.rawStart() * 1000);
                String index = RedisKeys.bucketSeries(res, start);
                indexes.computeIfAbsent(index, k -> new HashSet<>()).add(acc.key().id());
                opened.computeIfAbsent(index, k -> Request.cmd(Command.ZADD).arg(RedisKeys.open(res)).arg(start)
                        .arg(start));
                ttls.put(index, openTtlSeconds(res));
            }
        }
        indexes.forEach((index, ids) -> {
            Request sadd = Request.cmd(Command.SADD).arg(index);
            ids.forEach(sadd::arg);
            requests.add(sadd);
            requests.add(Request.cmd(Command.EXPIRE).arg(index).arg(ttls.get(index)));
            requests.add(opened.get(index));
        });
        for (SeriesAccumulator acc : units.values()) {
            requests.add(flushRequest(acc));
        }
        for (String service : services) {
            requests.add(Request.cmd(Command.SADD).arg(RedisKeys.SERVICES).arg(service));
        }
        folds.forEach((service, n) -> requests.add(Request.cmd(Command.INCRBY).arg(RedisKeys.folds(service)).arg(n)));
        addSlow(batch.slow, requests);
        if (!batch.streamIds.isEmpty()) {
            Request ack = Request.cmd(Command.XACK).arg(Streams.INGEST_SAMPLES).arg(SampleStreamReader.GROUP);
            batch.streamIds.forEach(ack::arg);
            requests.add(ack);
        }

        Pipeline.run(redis, requests);

        prometheus.add(units.values());
        folds.forEach((service, n) -> meters.folds(service).increment(n));
    }

    /** Applies the cardinality cap: units of endpoints over the cap merge into endpoint 'other'. */
    private Map<String, SeriesAccumulator> fold(PendingBatch batch, Map<String, Long> folds) {
        Map<String, SeriesAccumulator> units = new LinkedHashMap<>();
        for (SeriesAccumulator acc : batch.units.values()) {
            SeriesKey key = acc.key();
            SeriesAccumulator unit = acc;
            if (!cap.admit(key.service(), key.endpoint())) {
                folds.merge(key.service(), acc.count(), Long::sum);
                unit = acc.withKey(new SeriesKey(key.service(), EndpointCap.OTHER, key.method(), key.statusClass()));
            }
            String id = unit.key().id() + "@" + unit.rawStart();
            SeriesAccumulator existing = units.get(id);
            if (existing == null) {
                units.put(id, unit);
            } else {
                existing.merge(unit);
            }
        }
        return units;
    }

    private Request flushRequest(SeriesAccumulator acc) {
        String seriesId = acc.key().id();
        Request eval = Request.cmd(Command.EVAL).arg(LuaScripts.FLUSH_BUCKET).arg(Resolution.ALL.size());
        for (Resolution res : Resolution.ALL) {
            eval.arg(RedisKeys.bucket(seriesId, res, res.bucketStart(acc.rawStart() * 1000)));
        }
        for (Resolution res : Resolution.ALL) {
            eval.arg(openTtlSeconds(res));
        }
        eval.arg(Double.toString(acc.maxMs()));
        eval.arg("c").arg(acc.count());
        eval.arg("s").arg(acc.sumMicros());
        if (acc.warn() > 0) {
            eval.arg("w").arg(acc.warn());
        }
        if (acc.critical() > 0) {
            eval.arg("k").arg(acc.critical());
        }
        long[] bins = acc.bins();
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] != 0) {
                eval.arg("b" + (i + LatencyBins.MIN_INDEX)).arg(bins[i]);
            }
        }
        return eval;
    }

    private void addSlow(List<Sample> slow, List<Request> requests) {
        if (slow.isEmpty()) {
            return;
        }
        Map<String, Request> pushes = new LinkedHashMap<>();
        for (Sample s : slow) {
            ObjectNode json = mapper.createObjectNode();
            json.put("service", s.service()).put("endpoint", s.endpoint()).put("method", s.method())
                    .put("status", s.status()).put("durationMs", s.durationMs())
                    .put("timestamp", java.time.Instant.ofEpochMilli(s.timestampMs()).toString())
                    .put("severity", s.durationMs() > config.slow().criticalMs() ? "critical" : "warn");
            if (s.instance() != null) {
                json.put("instance", s.instance());
            }
            pushes.computeIfAbsent(s.service(), svc -> Request.cmd(Command.LPUSH).arg(RedisKeys.slow(svc)))
                    .arg(json.toString());
        }
        pushes.forEach((service, push) -> {
            requests.add(push);
            requests.add(Request.cmd(Command.LTRIM).arg(RedisKeys.slow(service)).arg(0)
                    .arg(config.slow().reservoirSize() - 1));
        });
    }
}
