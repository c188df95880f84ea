package io.vigil.metrics.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.metrics.domain.EndpointAggregate;
import io.vigil.metrics.domain.Metric;
import io.vigil.metrics.domain.SeriesKey.EndpointKey;

/** One row of the per-endpoint table: all status classes of one service, endpoint template and method. */
@Schema(description = "Latency and errors of one endpoint over a window; percentiles are within 1% of exact")
public record EndpointStats(String service, String endpoint, String method, long count, double throughputPerMin,
        long errors4xx, long errors5xx, double errorRate, double error4xxRate, double error5xxRate, double p50Ms,
        double p90Ms, double p95Ms, double p99Ms, double maxMs, double meanMs, long slowWarn, long slowCritical) {

    public static final String CSV_HEADER = "service,endpoint,method,count,throughputPerMin,errors4xx,errors5xx,"
            + "errorRate,error4xxRate,error5xxRate,p50Ms,p90Ms,p95Ms,p99Ms,maxMs,meanMs,slowWarn,slowCritical";

    public static EndpointStats of(EndpointKey key, EndpointAggregate a, double minutes) {
        return new EndpointStats(key.service(), key.endpoint(), key.method(), a.count(),
                r(a.metric(Metric.THROUGHPUT, minutes)), a.errors4xx(), a.errors5xx(),
                r(a.metric(Metric.ERROR_RATE, minutes)), r(a.metric(Metric.ERROR_4XX_RATE, minutes)),
                r(a.metric(Metric.ERROR_5XX_RATE, minutes)), r(a.metric(Metric.P50, minutes)),
                r(a.metric(Metric.P90, minutes)), r(a.metric(Metric.P95, minutes)), r(a.metric(Metric.P99, minutes)),
                r(a.metric(Metric.MAX, minutes)), r(a.metric(Metric.MEAN, minutes)), a.warn(), a.critical());
    }

    public String csv() {
        return String.join(",", csvField(service), csvField(endpoint), csvField(method), Long.toString(count),
                Double.toString(throughputPerMin), Long.toString(errors4xx), Long.toString(errors5xx),
                Double.toString(errorRate), Double.toString(error4xxRate), Double.toString(error5xxRate),
                Double.toString(p50Ms), Double.toString(p90Ms), Double.toString(p95Ms), Double.toString(p99Ms),
                Double.toString(maxMs), Double.toString(meanMs), Long.toString(slowWarn), Long.toString(slowCritical));
    }

    /** The value of one ranking metric. */
    public double value(Metric m) {
        return switch (m) {
            case COUNT -> count;
            case THROUGHPUT -> throughputPerMin;
            case ERROR_RATE -> errorRate;
            case ERROR_4XX_RATE -> error4xxRate;
            case ERROR_5XX_RATE -> error5xxRate;
            case P50 -> p50Ms;
            case P90 -> p90Ms;
            case P95 -> p95Ms;
            case P99 -> p99Ms;
            case MAX -> maxMs;
            case MEAN -> meanMs;
            case SLOW -> slowWarn;
            case CRITICAL -> slowCritical;
        };
    }

    static double r(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
