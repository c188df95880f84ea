package io.vigil.alert.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.vigil.alert.domain.Expr;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.store.RedisKeys;
import io.vigil.alert.store.SeriesStore;

/**
 * Evaluates the rules that watch an incoming event. Metrics rules look at an endpoint (service, endpoint, method):
 * its status-class series are combined (counts and errors summed, latency percentiles the highest of the classes),
 * from Redis so that replicas which each see some of the classes evaluate the same whole. Queue rules count events
 * in their window, or (backlog, oldestWaitingMs) take the depths the poller fetched; health rules look at a target's
 * new state or its group's; absence rules are run by the timer.
 */
@ApplicationScoped
public class Evaluator {

    private static final String[] METRIC_FIELDS = {"count", "errors4xx", "errors5xx", "p50Ms", "p90Ms", "p95Ms",
        "p99Ms", "maxMs", "slowWarn", "slowCritical"};
    /** live: the classes published in one tick (every 250 ms) count as one view. */
    private static final long LIVE_SKEW_MS = 1000;

    private final RuleSet rules;
    private final SeriesStore series;
    private final Lifecycle lifecycle;
    private final AlertMeters meters;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    public Evaluator(RuleSet rules, SeriesStore series, Lifecycle lifecycle, AlertMeters meters) {
        this.rules = rules;
        this.series = series;
        this.lifecycle = lifecycle;
        this.meters = meters;
    }

    /** One {@code metrics.live} or {@code metrics.rollup} event's payload and event time (ms). */
    public record MetricsEvent(JsonNode payload, long timeMs) {
    }

    /** What one metrics event needs evaluated once its endpoint's stored values are back from Redis. */
    private record Pending(Map<String, String> labels, List<Rule.Compiled> rules, boolean live, long time,
            long bucketStart, long bucketMs, long observedAt) {
    }

    /** One {@code metrics.live} or {@code metrics.rollup} event. */
    public void metrics(String signal, JsonNode p, long eventTimeMs) {
        metricsBatch(signal, List.of(new MetricsEvent(p, eventTimeMs)));
    }

    /**
     * A batch of metrics events, in stream order: one pipelined Redis round trip stores and reads back every event's
     * endpoint, then the rules are evaluated in order. Replays are harmless (a field is overwritten with the same
     * value; the lifecycle ignores observations older than the last applied), so no dedup is needed.
     */
    public void metricsBatch(String signal, List<MetricsEvent> events) {
        List<Pending> pending = new ArrayList<>();
        List<SeriesStore.Observe> calls = new ArrayList<>();
        for (MetricsEvent e : events) {
            prepare(signal, e.payload(), e.timeMs(), pending, calls);
        }
        List<Map<String, String>> stored = series.observeAll(calls);
        for (int i = 0; i < pending.size(); i++) {
            evaluate(pending.get(i), stored.get(i));
        }
    }

    private void prepare(String signal, JsonNode p, long eventTimeMs, List<Pending> pending,
            List<SeriesStore.Observe> calls) {
        String service = p.path("service").asText();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", service);
        labels.put("endpoint", p.path("endpoint").asText());
        labels.put("method", p.path("method").asText());
        RuleSet.Index index = rules.index();
        for (Rule.Compiled absence : index.of("absence")) {
            if (Matcher.all(absence.matchers(), labels)) {
                seen.put(absence.id(), System.currentTimeMillis());
            }
        }
        List<Rule.Compiled> matching = new ArrayList<>();
        long maxWindow = 0;
        for (Rule.Compiled r : index.metricsFor(service)) {
            if (signal.equals(r.rule().signal()) && Matcher.all(r.matchers(), labels)) {
                matching.add(r);
                maxWindow = Math.max(maxWindow, r.rule().windowMs());
            }
        }
        if (matching.isEmpty()) {
            return;
        }
        long bucketStart = Instant.parse(p.path("bucketStart").asText()).toEpochMilli();
        long bucketMs = p.path("bucketSeconds").asLong(10) * 1000;
        boolean live = signal.equals("live");
        long time = live ? eventTimeMs : bucketStart;
        StringBuilder value = new StringBuilder().append(time);
        for (String f : METRIC_FIELDS) {
            value.append(',').append(p.path(f).asDouble());
        }
        String statusClass = p.path("statusClass").asText();
        String key = RedisKeys.series(signal, service, labels.get("endpoint"), labels.get("method"));
        calls.add(live ? new SeriesStore.Observe(key, statusClass, value.toString(), time - 10 * LIVE_SKEW_MS, 60_000)
                : new SeriesStore.Observe(key, statusClass + "|" + bucketStart, value.toString(), bucketStart - maxWindow,
                        maxWindow + 60_000));
        pending.add(new Pending(labels, matching, live, time, bucketStart, bucketMs,
                live ? eventTimeMs : bucketStart + bucketMs));
    }

    private void evaluate(Pending e, Map<String, String> stored) {
        List<double[]> rows = new ArrayList<>();
        for (String v : stored.values()) {
            String[] parts = v.split(",");
            double[] row = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                row[i] = Double.parseDouble(parts[i]);
            }
            rows.add(row);
        }
        Map<Long, Map<String, Double>> byWindow = new HashMap<>();
        for (Rule.Compiled r : e.rules()) {
            long window = e.live() ? LIVE_SKEW_MS : r.rule().windowMs();
            long from = e.live() ? e.time() - LIVE_SKEW_MS : e.bucketStart() + e.bucketMs() - window;
            double seconds = e.live() ? e.bucketMs() / 1000.0 : window / 1000.0;
            Map<String, Double> values = byWindow.computeIfAbsent(window, w -> aggregate(rows, from, seconds));
            double v = values.getOrDefault(r.expr().field(), 0.0);
            lifecycle.observe(r, e.labels(), v, r.expr().test(v), e.observedAt(), null);
        }
        meters.evaluated(e.observedAt(), e.rules().size());
    }

    static Map<String, Double> aggregate(List<double[]> rows, long from, double seconds) {
        double[] sum = new double[METRIC_FIELDS.length];
        for (double[] row : rows) {
            if (row[0] < from) {
                continue;
            }
            for (int i = 0; i < METRIC_FIELDS.length; i++) {
                double v = row[i + 1];
                boolean percentile = METRIC_FIELDS[i].endsWith("Ms");
                sum[i] = percentile ? Math.max(sum[i], v) : sum[i] + v;
            }
        }
        Map<String, Double> out = new HashMap<>();
        for (int i = 0; i < METRIC_FIELDS.length; i++) {
            out.put(METRIC_FIELDS[i], sum[i]);
        }
        double count = sum[0];
        out.put("throughput", seconds > 0 ? count / seconds : 0);
        out.put("errorRate4xx", count > 0 ? sum[1] / count : 0);
        out.put("errorRate5xx", count > 0 ? sum[2] / count : 0);
        return out;
    }

    /** One {@code queue.job.*} event: counted per queue and type in Redis, evaluated per rule window. */
    public void queue(String type, String eventId, JsonNode p, long eventTimeMs) {
        String kind = type.substring(type.lastIndexOf('.') + 1);
        Map<String, String> labels = Map.of("queue", p.path("queue").asText());
        List<Rule.Compiled> matching = new ArrayList<>();
        List<Long> from = new ArrayList<>();
        long maxWindow = 0;
        for (Rule.Compiled r : rules.index().of("queue")) {
            if (r.expr().field().equals(kind) && Matcher.all(r.matchers(), labels)) {
                matching.add(r);
                from.add(eventTimeMs - r.rule().windowMs());
                maxWindow = Math.max(maxWindow, r.rule().windowMs());
            }
        }
        if (matching.isEmpty()) {
            return;
        }
        long[] counts = series.countEvent(RedisKeys.queueEvents(labels.get("queue"), kind), eventId, eventTimeMs,
                maxWindow, from);
        for (int i = 0; i < matching.size(); i++) {
            Rule.Compiled r = matching.get(i);
            lifecycle.observe(r, labels, counts[i], r.expr().test(counts[i]), eventTimeMs, null);
        }
        meters.evaluated(eventTimeMs, matching.size());
    }

    /** Queue rules on polled depths ({@code backlog}, {@code oldestWaitingMs}); empty = nothing to poll. */
    public List<Rule.Compiled> queueDepthRules() {
        return rules.index().of("queue").stream().filter(r -> Expr.QUEUE_DEPTH.contains(r.expr().field())).toList();
    }

    /** One polled queue's depths (field → value), observed at {@code timeMs}: evaluated like any observation. */
    public void queueDepth(List<Rule.Compiled> depthRules, String queue, Map<String, Double> values, long timeMs) {
        Map<String, String> labels = Map.of("queue", queue);
        int evaluated = 0;
        for (Rule.Compiled r : depthRules) {
            if (Matcher.all(r.matchers(), labels)) {
                double v = values.getOrDefault(r.expr().field(), 0.0);
                lifecycle.observe(r, labels, v, r.expr().test(v), timeMs, null);
                evaluated++;
            }
        }
        meters.evaluated(timeMs, evaluated);
    }

    /** One {@code health.transition}: per-target state rules, and per-group counts of targets not UP / DOWN. */
    public void health(JsonNode p, long eventTimeMs) {
        String target = p.path("target").asText();
        String group = p.path("group").asText("");
        String to = p.path("to").asText().toUpperCase(Locale.ROOT);
        Map<String, String> labels = new LinkedHashMap<>();
        p.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.put("target", target);
        labels.put("group", group);
        List<String> parents = new ArrayList<>();
        p.path("dependsOn").forEach(d -> parents.add(d.asText()));
        long observedAt = p.hasNonNull("checkedAt") ? Instant.parse(p.path("checkedAt").asText()).toEpochMilli()
                : eventTimeMs;
        Map<String, String> groupStates = null;
        int evaluated = 0;
        for (Rule.Compiled r : rules.index().of("health")) {
            if (r.expr().field().equals("state")) {
                if (Matcher.all(r.matchers(), labels)) {
                    lifecycle.observe(r, Map.of("target", target, "group", group), stateValue(to), r.expr().testState(to),
                            observedAt, parents);
                    evaluated++;
                }
                continue;
            }
            Map<String, String> groupLabels = Map.of("group", group);
            if (!Matcher.all(r.matchers(), groupLabels)) {
                continue;
            }
            if (groupStates == null) {
                groupStates = series.observe(RedisKeys.healthGroup(group), target, observedAt + "," + to, 0,
                        7 * 86_400_000L);
            }
            long notUp = groupStates.values().stream().filter(v -> !v.endsWith(",UP")).count();
            long down = groupStates.values().stream().filter(v -> v.endsWith(",DOWN")).count();
            double v = r.expr().field().equals("groupDown") ? down : notUp;
            lifecycle.observe(r, groupLabels, v, r.expr().test(v), observedAt, null);
            evaluated++;
        }
        meters.evaluated(observedAt, evaluated);
    }

    private static double stateValue(String state) {
        return switch (state) {
            case "UP" -> 0;
            case "DEGRADED" -> 1;
            case "DOWN" -> 2;
            default -> 3;
        };
    }

    /** Shares this replica's last-seen times of absence rules (every replica, every second). */
    public void flushSeen() {
        if (!seen.isEmpty()) {
            Map<String, Long> copy = new HashMap<>(seen);
            seen.keySet().removeAll(copy.keySet());
            series.markSeen(copy);
        }
    }

    /** Absence rules (leader): value = ms since matching data last arrived (since first evaluated, if never). */
    public void absence(long now) {
        List<Rule.Compiled> absence = rules.index().of("absence");
        if (absence.isEmpty()) {
            return;
        }
        Map<String, Long> lastSeen = series.seen();
        Map<String, Long> firstLook = new HashMap<>();
        for (Rule.Compiled r : absence) {
            Long at = lastSeen.get(r.id());
            if (at == null) {
                firstLook.put(r.id(), now);
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            for (Matcher m : r.matchers()) {
                if (m.op().equals("=")) {
                    labels.put(m.name(), m.value());
                }
            }
            double absent = now - at;
            lifecycle.observe(r, labels, absent, r.expr().test(absent), now, null);
        }
        if (!firstLook.isEmpty()) {
            series.markSeen(firstLook);
        }
    }
}
