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
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vigil.common.event.Streams;
import io.vigil.common.redis.Pipelines;
import io.vigil.metrics.api.PrometheusExport;
import io.vigil.metrics.stream.SampleStreamReader;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.LatencyBins;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SeriesAccumulator;
import io.vigil.metrics.domain.SeriesKey;

/**
 * Writes one {@link PendingBatch} to Redis in three pipelined steps: first the indexes (which buckets are open and
 * which series they hold), then the histogram merges (one all-or-nothing script per series), and only when those
 * succeeded the acknowledgements of the stream entries (with the slow-request lists and counters). So a crash can
 * only leave an index entry without data, never data that no closer will find, and an entry is never acknowledged
 * while Redis refused (memory full, a key of the wrong type) a series of its samples: that series is reported back
 * for the next flush to retry. A batch holding stream entries is recorded in the {@link FlushJournal} with its
 * indexes and forgotten with its XACKs, and its merges are marked with its token: a retry, or a replay after a crash
 * between merge and XACK, counts nothing twice.
 */
@ApplicationScoped
public class BucketWriter {

    /** Buckets a closer may claim within this many seconds of a flush are marked open again after its merge. */
    static final long LATE_MARGIN_SECONDS = 5;

    private final Redis redis;
    private final CardinalityCap cap;
    private final PrometheusExport prometheus;
    private final IngestMeters meters;
    private final ObjectMapper mapper;
    private final MetricsConfig config;
    private final FlushJournal journal;

    public BucketWriter(Redis redis, CardinalityCap cap, PrometheusExport prometheus, IngestMeters meters,
            ObjectMapper mapper, MetricsConfig config, FlushJournal journal) {
        this.redis = redis;
        this.journal = journal;
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

    /**
     * What a flush achieved. {@code streamRetry}: stream series Redis refused (nothing of them was written);
     * {@code streamAcked}: whether the batch's stream entries were acknowledged; {@code restRefused}: why REST series
     * were refused (null if none was); {@code reason}: the first refusal.
     */
    public record Result(List<SeriesAccumulator> streamRetry, boolean streamAcked, String restRefused, String reason) {
    }

    /** Throws only when the connection failed mid-flush (then what was applied is unknown). */
    public Result write(PendingBatch batch) {
        Map<String, Long> folds = new HashMap<>();
        Map<String, SeriesAccumulator> units = fold(batch, folds);
        Set<String> streamUnits = new HashSet<>();
        units.forEach((id, acc) -> {
            if (id.endsWith("@s")) {
                streamUnits.add(id);
            }
        });

        List<Request> requests = new ArrayList<>();
        Set<String> services = new HashSet<>();
        Map<String, Long> ttls = new HashMap<>();
        // One SADD per bucket index with all its series, then its TTL and its entry in the open set.
        Map<String, Set<String>> indexes = new LinkedHashMap<>();
        Map<String, Request> opened = new LinkedHashMap<>();
        Map<String, Request> reopened = new LinkedHashMap<>();
        long claimableBy = System.currentTimeMillis() / 1000 + LATE_MARGIN_SECONDS - config.lateGrace().toSeconds();
        for (SeriesAccumulator acc : units.values()) {
            services.add(acc.key().service());
            for (Resolution res : Resolution.ALL) {
                long start = res.bucketStart(acc.rawStart() * 1000);
                String index = RedisKeys.bucketSeries(res, start);
                indexes.computeIfAbsent(index, k -> new HashSet<>()).add(acc.key().id());
                Request open = opened.computeIfAbsent(index, k -> Request.cmd(Command.ZADD).arg(RedisKeys.open(res))
                        .arg(start).arg(start));
                if (start + res.seconds() <= claimableBy) {
                    reopened.putIfAbsent(index, open); // the same ZADD, sent again after the merge
                }
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
        if (batch.token != null && !batch.streamIds.isEmpty()) {
            journal.open(batch.token, batch.streamIds, requests);
        }
        try {
            Pipelines.run(redis, requests);
        } catch (RuntimeException e) {
            // Nothing of the data is written yet (index writes are idempotent): every series is retried or refused.
            String reason = "index: " + e.getMessage();
            List<SeriesAccumulator> retry = new ArrayList<>();
            boolean rest = false;
            for (Map.Entry<String, SeriesAccumulator> u : units.entrySet()) {
                if (streamUnits.contains(u.getKey())) {
                    retry.add(u.getValue());
                } else {
                    rest = true;
                }
            }
            return new Result(retry, false, rest ? reason : null, reason);
        }

        List<String> ids = new ArrayList<>(units.keySet());
        List<Request> merges = new ArrayList<>(ids.size());
        for (String id : ids) {
            merges.add(flushRequest(units.get(id), streamUnits.contains(id) ? batch : null));
        }
        List<Response> replies = Pipelines.run(redis, merges);
        List<SeriesAccumulator> applied = new ArrayList<>(ids.size());
        List<SeriesAccumulator> retry = new ArrayList<>();
        String restRefused = null;
        String reason = null;
        for (int i = 0; i < ids.size(); i++) {
            Response reply = replies.get(i);
            SeriesAccumulator acc = units.get(ids.get(i));
            if (reply != null && reply.type() == ResponseType.NUMBER) {
                if (reply.toInteger() == 1) {
                    applied.add(acc); // 2: merged by an earlier try of this flush, already exported
                }
                continue;
            }
            String why = reply == null ? "no reply" : reply.toString();
            reason = reason == null ? why : reason;
            if (streamUnits.contains(ids.get(i))) {
                retry.add(acc);
            } else {
                restRefused = why;
            }
        }
        prometheus.add(applied);

        List<Request> after = new ArrayList<>();
        // A late sample's bucket may be claimed by a closer between the index step and the merge, which then closes
        // it without this merge: marking it open again after the merge has it closed again with the merged totals.
        after.addAll(reopened.values());
        for (String service : services) {
            after.add(Request.cmd(Command.SADD).arg(RedisKeys.SERVICES).arg(service));
        }
        folds.forEach((service, n) -> after.add(Request.cmd(Command.INCRBY).arg(RedisKeys.folds(service)).arg(n)));
        addSlow(batch.slow, after);
        boolean ack = retry.isEmpty() && !batch.streamIds.isEmpty();
        if (ack) {
            Request xack = Request.cmd(Command.XACK).arg(Streams.INGEST_SAMPLES).arg(SampleStreamReader.GROUP);
            batch.streamIds.forEach(xack::arg);
            after.add(xack);
            if (batch.token != null) {
                journal.close(batch.token, batch.streamIds, after);
            }
        }
        boolean acked = retry.isEmpty();
        try {
            if (!after.isEmpty()) {
                Pipelines.run(redis, after);
            }
        } catch (RuntimeException e) {
            // Slow lists and fold counters are best effort; unacknowledged entries are acknowledged by the next flush.
            acked = !ack;
            reason = reason == null ? "after merge: " + e.getMessage() : reason;
        }
        // Every service's fold counter exists from its first sample (at zero), so increase() sees the first fold.
        services.forEach(meters::folds);
        folds.forEach((service, n) -> meters.folds(service).increment(n));
        return new Result(retry, acked, restRefused, reason);
    }

    /**
     * Applies the cardinality caps (service, method, endpoint): a series over a cap merges into its 'other'. REST and
     * stream units stay apart (ids end in {@code @r} / {@code @s}).
     */
    private Map<String, SeriesAccumulator> fold(PendingBatch batch, Map<String, Long> folds) {
        Map<String, SeriesAccumulator> units = new LinkedHashMap<>();
        for (Map.Entry<PendingBatch.UnitKey, SeriesAccumulator> e : batch.units.entrySet()) {
            SeriesAccumulator acc = e.getValue();
            SeriesKey key = acc.key();
            SeriesKey capped = cap.admit(key);
            SeriesAccumulator unit = acc;
            if (!capped.equals(key)) {
                folds.merge(capped.service(), acc.count(), Long::sum);
                unit = acc.withKey(capped);
            }
            String id = unit.key().id() + "@" + unit.rawStart() + (e.getKey().stream() ? "@s" : "@r");
            SeriesAccumulator existing = units.get(id);
            if (existing == null) {
                units.put(id, unit);
            } else {
                existing.merge(unit);
            }
        }
        return units;
    }

    /** The merge of one unit; a stream unit of a batch with a token is marked, so a replay skips it. */
    private Request flushRequest(SeriesAccumulator acc, PendingBatch marked) {
        String seriesId = acc.key().id();
        boolean mark = marked != null && marked.token != null;
        int n = Resolution.ALL.size();
        Request eval = Request.cmd(Command.EVAL).arg(LuaScripts.FLUSH_BUCKET).arg(mark ? n + 1 : n);
        for (Resolution res : Resolution.ALL) {
            eval.arg(RedisKeys.bucket(seriesId, res, res.bucketStart(acc.rawStart() * 1000)));
        }
        if (mark) {
            eval.arg(RedisKeys.applied(seriesId));
        }
        eval.arg(n);
        for (Resolution res : Resolution.ALL) {
            eval.arg(openTtlSeconds(res));
        }
        eval.arg(Double.toString(acc.maxMs()));
        if (mark) {
            eval.arg(PendingBatch.runOf(marked.token))
                    .arg(PendingBatch.seqOf(marked.token) + ":" + acc.rawStart())
                    .arg(marked.oldestUnfinished);
        } else {
            eval.arg("").arg("").arg(0);
        }
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
