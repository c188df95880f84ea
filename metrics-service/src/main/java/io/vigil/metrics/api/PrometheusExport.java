package io.vigil.metrics.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.prometheus.client.Collector;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.SeriesAccumulator;
import io.vigil.metrics.domain.SeriesKey;

/**
 * Exports the ingested samples on {@code /q/metrics} as the Prometheus histogram
 * {@code vigil_http_request_duration_seconds{service,endpoint,method,status_class}} with fixed buckets (see README).
 * Each replica exports what it ingested; Prometheus sums replicas, so
 * {@code histogram_quantile(0.95, sum by (le, service, endpoint) (rate(vigil_http_request_duration_seconds_bucket[5m])))}
 * is the fleet-wide p95. Labels are capped by {@code CardinalityCap}.
 */
@ApplicationScoped
public class PrometheusExport extends Collector {

    public static final String NAME = "vigil_http_request_duration_seconds";
    private static final List<String> LABELS = List.of("service", "endpoint", "method", "status_class");

    private final double[] boundsMs;
    private final PrometheusMeterRegistry registry;
    private final Map<SeriesKey, Totals> series = new ConcurrentHashMap<>();

    public PrometheusExport(MetricsConfig config, PrometheusMeterRegistry registry) {
        this.boundsMs = config.prometheus().bucketsMs().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        // The meter registry's own collector registry is the one /q/metrics scrapes.
        registry.getPrometheusRegistry().register(this);
    }

    /** The (non-cumulative) bucket of one duration: the first bound it does not exceed; {@code bounds.length} is +Inf. */
    public static int bucketOf(double[] boundsMs, double ms) {
        for (int i = 0; i < boundsMs.length; i++) {
            if (ms <= boundsMs[i]) {
                return i;
            }
        }
        return boundsMs.length;
    }

    /** Adds flushed units (after their endpoint folding), so the export shows exactly what was stored. */
    public void add(Collection<SeriesAccumulator> units) {
        for (SeriesAccumulator acc : units) {
            series.computeIfAbsent(acc.key(), k -> new Totals(boundsMs.length + 1)).add(acc);
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        series.forEach((key, totals) -> totals.appendTo(key, boundsMs, samples));
        return List.of(new MetricFamilySamples(NAME, Type.HISTOGRAM,
                "Durations of requests ingested by metrics-service, by service, endpoint template, method and status class",
                samples));
    }

    private static final class Totals {
        private final long[] buckets;
        private long count;
        private long sumMicros;

        Totals(int size) {
            this.buckets = new long[size];
        }

        synchronized void add(SeriesAccumulator acc) {
            long[] add = acc.promBuckets();
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] += add[i];
            }
            count += acc.count();
            sumMicros += acc.sumMicros();
        }

        synchronized void appendTo(SeriesKey key, double[] boundsMs, List<MetricFamilySamples.Sample> out) {
            List<String> values = List.of(key.service(), key.endpoint(), key.method(), key.statusClass());
            long cumulative = 0;
            for (int i = 0; i <= boundsMs.length; i++) {
                cumulative += buckets[i];
                String le = i < boundsMs.length ? Collector.doubleToGoString(boundsMs[i] / 1000) : "+Inf";
                List<String> names = new ArrayList<>(LABELS);
                names.add("le");
                List<String> vals = new ArrayList<>(values);
                vals.add(le);
                out.add(new MetricFamilySamples.Sample(NAME + "_bucket", names, vals, cumulative));
            }
            out.add(new MetricFamilySamples.Sample(NAME + "_count", LABELS, values, count));
            out.add(new MetricFamilySamples.Sample(NAME + "_sum", LABELS, values, sumMicros / 1_000_000.0));
        }
    }
}
