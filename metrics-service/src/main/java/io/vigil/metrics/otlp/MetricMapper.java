package io.vigil.metrics.otlp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.vigil.common.problem.Problem.FieldError;
import io.vigil.metrics.api.CustomMetric;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SampleParser;

/**
 * OTLP metrics → Vigil series.
 * <ul>
 * <li>Request-duration histograms ({@code http.server.request.duration}, or any histogram whose points carry
 * {@code http.route}) merge into the endpoint series of the resource's service, unless that service sends spans
 * (spans win: they are exact and would be counted twice). Exponential buckets are recorded at their geometric
 * midpoint: within {@code 2^(2^-(scale+1)) - 1} of every value they hold (scale 8: 0.14 %, scale 4: 2.2 %), plus the
 * bins' 1 %. Explicit buckets are recorded at their upper bound (the +Inf bucket at the point's max): estimates,
 * listed as such by {@code GET /api/v1/otlp/estimates}.</li>
 * <li>Cumulative points become deltas per stream ({@link Cumulative}).</li>
 * <li>Gauges and sums become custom metrics: name with '.' → '_', attributes plus {@code service} as labels (at most
 * 10: the custom-metric label cap); monotonic sums are counters (deltas added), other sums and gauges gauges.</li>
 * </ul>
 */
@ApplicationScoped
public class MetricMapper {

    static final String DURATION = "http.server.request.duration";
    private static final int MAX_LABELS = 10;

    /** Histogram buckets as samples with counts, estimated series, custom metric updates, and what was refused. */
    public record Mapped(List<Sample> samples, List<Long> times, Map<String, String> sources,
            List<CustomMetric> custom, Set<String> services, int rejected, Set<String> reasons, int spansWin) {
    }

    private final SampleParser parser;
    private final Cumulative cumulative;

    public MetricMapper(SampleParser parser, Cumulative cumulative) {
        this.parser = parser;
        this.cumulative = cumulative;
    }

    /** {@code sendsSpans}: whether a service's histograms are to be ignored because its spans are recorded. */
    public Mapped map(ExportMetricsServiceRequest request, long nowMs, java.util.function.Predicate<String> sendsSpans) {
        Mapped out = new Mapped(new ArrayList<>(), new ArrayList<>(), new HashMap<>(), new ArrayList<>(),
                new LinkedHashSet<>(), 0, new LinkedHashSet<>(), 0);
        int[] rejected = { 0 };
        int[] spansWin = { 0 };
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            List<KeyValue> resource = rm.getResource().getAttributesList();
            String service = Attributes.string(resource, "service.name");
            String streamPrefix = rm.getResource().getAttributesList().toString();
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    int points = points(m);
                    if (service == null) {
                        rejected[0] += points;
                        out.reasons().add("resource without service.name");
                        continue;
                    }
                    String stream = streamPrefix + "|" + m.getName() + "|";
                    switch (m.getDataCase()) {
                        case HISTOGRAM -> {
                            boolean cumulativeTemporality = m.getHistogram().getAggregationTemporality()
                                    == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
                            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                                if (!isDuration(m, p.getAttributesList())) {
                                    continue;
                                }
                                if (sendsSpans.test(service)) {
                                    spansWin[0]++;
                                    continue;
                                }
                                explicit(out, rejected, service, m, p, stream + p.getAttributesList(),
                                        cumulativeTemporality, nowMs);
                            }
                        }
                        case EXPONENTIAL_HISTOGRAM -> {
                            boolean cumulativeTemporality = m.getExponentialHistogram().getAggregationTemporality()
                                    == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
                            for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                                if (!isDuration(m, p.getAttributesList())) {
                                    continue;
                                }
                                if (sendsSpans.test(service)) {
                                    spansWin[0]++;
                                    continue;
                                }
                                exponential(out, rejected, service, m, p, stream + p.getAttributesList(),
                                        cumulativeTemporality, nowMs);
                            }
                        }
                        case GAUGE -> m.getGauge().getDataPointsList().forEach(p -> custom(out, rejected, service, m,
                                p, "gauge", null));
                        case SUM -> {
                            boolean monotonic = m.getSum().getIsMonotonic();
                            boolean cumulativeTemporality = m.getSum().getAggregationTemporality()
                                    == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
                            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                                if (!monotonic && cumulativeTemporality) {
                                    custom(out, rejected, service, m, p, "gauge", null);
                                } else {
                                    custom(out, rejected, service, m, p, "counter",
                                            cumulativeTemporality ? stream + p.getAttributesList() : null);
                                }
                            }
                        }
                        default -> {
                            // summaries and other histograms carry no request timing Vigil could merge: ignored
                        }
                    }
                }
            }
        }
        return new Mapped(out.samples(), out.times(), out.sources(), out.custom(), out.services(), rejected[0],
                out.reasons(), spansWin[0]);
    }

    private static int points(Metric m) {
        return switch (m.getDataCase()) {
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            default -> 0;
        };
    }

    private static boolean isDuration(Metric m, List<KeyValue> attributes) {
        return m.getName().equals(DURATION) || Attributes.find(attributes, "http.route") != null;
    }

    /** Milliseconds per unit of the histogram ({@code s} by the semantic conventions), or NaN for another unit. */
    private static double msPerUnit(Metric m) {
        return switch (m.getUnit()) {
            case "", "s" -> 1000;
            case "ms" -> 1;
            case "us" -> 0.001;
            case "ns" -> 0.000001;
            default -> Double.NaN;
        };
    }

    /** The validated sample a point's buckets share (duration set per bucket), or null with the reason noted. */
    private Sample template(Mapped out, int[] rejected, String service, Metric m, List<KeyValue> a, long timeNanos,
            long nowMs) {
        SampleParser.Raw raw = new SampleParser.Raw();
        raw.service = service;
        String route = Attributes.string(a, "http.route");
        raw.endpoint = route == null ? "unmatched" : route;
        String method = Attributes.string(a, "http.request.method", "http.method");
        raw.method = method == null || method.equals("_OTHER") ? "OTHER" : method;
        Long status = Attributes.integer(a, "http.response.status_code", "http.status_code");
        raw.status = status != null ? status : Attributes.find(a, "error.type") != null ? 500L : 200L;
        raw.durationMs = 0.0;
        raw.timestamp = timeNanos / 1_000_000;
        List<FieldError> errors = new ArrayList<>(1);
        Sample s = parser.parse(raw, "dataPoint.", nowMs, errors);
        if (s == null) {
            rejected[0]++;
            out.reasons().add(m.getName() + ": " + errors.get(0).field() + " " + errors.get(0).message());
        } else if (Double.isNaN(msPerUnit(m))) {
            rejected[0]++;
            out.reasons().add(m.getName() + ": unit " + m.getUnit() + " is not a duration (s, ms, us, ns)");
            return null;
        }
        return s;
    }

    private void explicit(Mapped out, int[] rejected, String service, Metric m, HistogramDataPoint p, String stream,
            boolean cumulativeTemporality, long nowMs) {
        Sample t = template(out, rejected, service, m, p.getAttributesList(), p.getTimeUnixNano(), nowMs);
        if (t == null) {
            return;
        }
        Map<Integer, Long> buckets = new HashMap<>();
        for (int i = 0; i < p.getBucketCountsCount(); i++) {
            if (p.getBucketCounts(i) != 0) {
                buckets.put(i, p.getBucketCounts(i));
            }
        }
        Cumulative.Counts counts = new Cumulative.Counts(p.getStartTimeUnixNano(), 0, 0, buckets, p.getCount(),
                p.getSum());
        Cumulative.Counts delta = cumulativeTemporality ? cumulative.delta(stream, counts) : counts;
        if (delta == null) {
            return;
        }
        double unit = msPerUnit(m);
        List<Double> bounds = p.getExplicitBoundsList();
        for (Map.Entry<Integer, Long> b : delta.buckets().entrySet()) {
            int i = b.getKey();
            double upper = i < bounds.size() ? bounds.get(i)
                    : p.hasMax() ? p.getMax() : bounds.isEmpty() ? 0 : bounds.get(bounds.size() - 1);
            add(out, t, Math.max(0, upper * unit), b.getValue());
        }
        out.sources().put(t.service() + "|" + t.endpoint() + "|" + t.method(), "explicit-buckets: estimate (upper bucket bounds)");
    }

    private void exponential(Mapped out, int[] rejected, String service, Metric m, ExponentialHistogramDataPoint p,
            String stream, boolean cumulativeTemporality, long nowMs) {
        Sample t = template(out, rejected, service, m, p.getAttributesList(), p.getTimeUnixNano(), nowMs);
        if (t == null) {
            return;
        }
        if (p.getNegative().getBucketCountsCount() > 0) {
            rejected[0]++;
            out.reasons().add(m.getName() + ": negative durations");
            return;
        }
        Map<Integer, Long> buckets = new HashMap<>();
        int offset = p.getPositive().getOffset();
        for (int i = 0; i < p.getPositive().getBucketCountsCount(); i++) {
            if (p.getPositive().getBucketCounts(i) != 0) {
                buckets.put(offset + i, p.getPositive().getBucketCounts(i));
            }
        }
        Cumulative.Counts counts = new Cumulative.Counts(p.getStartTimeUnixNano(), p.getScale(), p.getZeroCount(),
                buckets, p.getCount(), p.getSum());
        Cumulative.Counts delta = cumulativeTemporality ? cumulative.delta(stream, counts) : counts;
        if (delta == null) {
            return;
        }
        double unit = msPerUnit(m);
        double step = Math.pow(2, -delta.scale());
        for (Map.Entry<Integer, Long> b : delta.buckets().entrySet()) {
            // (base^i, base^(i+1)] with base = 2^(2^-scale): its geometric midpoint is base^(i+0.5)
            add(out, t, Math.pow(2, (b.getKey() + 0.5) * step) * unit, b.getValue());
        }
        if (delta.zero() > 0) {
            add(out, t, 0, delta.zero());
        }
        out.sources().put(t.service() + "|" + t.endpoint() + "|" + t.method(), String.format(java.util.Locale.ROOT,
                "exponential-histogram scale %d: within %.2f %% plus the bins' 1 %%", delta.scale(),
                (Math.pow(2, Math.pow(2, -(delta.scale() + 1))) - 1) * 100));
    }

    private static void add(Mapped out, Sample t, double ms, long times) {
        out.samples().add(new Sample(t.service(), t.endpoint(), t.method(), t.status(),
                Math.min(ms, io.vigil.metrics.domain.LatencyBins.MAX_MS), t.timestampMs(), t.instance()));
        out.times().add(times);
        out.services().add(t.service());
    }

    private void custom(Mapped out, int[] rejected, String service, Metric m, NumberDataPoint p, String type,
            String stream) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("service", service);
        for (KeyValue kv : p.getAttributesList()) {
            String v = Attributes.string(List.of(kv), kv.getKey());
            labels.put(promName(kv.getKey()), v == null ? "" : v);
        }
        if (labels.size() > MAX_LABELS) {
            rejected[0]++;
            out.reasons().add(m.getName() + ": more than " + MAX_LABELS + " labels (with service)");
            return;
        }
        double value = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
        if (!Double.isFinite(value)) {
            rejected[0]++;
            out.reasons().add(m.getName() + ": value is not a finite number");
            return;
        }
        if (stream != null) {
            Cumulative.Counts delta = cumulative.delta(stream, new Cumulative.Counts(p.getStartTimeUnixNano(), 0, 0,
                    Map.of(), 0, value));
            if (delta == null) {
                return;
            }
            value = delta.sum();
        }
        out.custom().add(new CustomMetric(promName(m.getName()), type, value, labels));
    }

    /** A Prometheus-safe name: OTel's dots and other characters become '_'. */
    static String promName(String name) {
        String n = name.replaceAll("[^a-zA-Z0-9_:]", "_");
        n = n.isEmpty() || Character.isDigit(n.charAt(0)) ? "_" + n : n;
        return n.length() > 100 ? n.substring(0, 100) : n;
    }
}
