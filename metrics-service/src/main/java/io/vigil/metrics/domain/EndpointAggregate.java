package io.vigil.metrics.domain;

/** Rollups of one endpoint (all status classes) merged over a window or a step: exact counts, merged bins. */
public final class EndpointAggregate {

    private final Histogram histogram = new Histogram();
    private long errors4xx;
    private long errors5xx;
    private long warn;
    private long critical;

    public void add(Rollup r) {
        r.addTo(histogram);
        errors4xx += r.errors4xx();
        errors5xx += r.errors5xx();
        warn += r.warn();
        critical += r.critical();
    }

    /** Adds everything {@code other} holds, exactly as if its rollups had been added here one by one after ours. */
    public void add(EndpointAggregate other) {
        histogram.merge(other.histogram);
        errors4xx += other.errors4xx;
        errors5xx += other.errors5xx;
        warn += other.warn;
        critical += other.critical;
    }

    /** A copy to add more to (the original, e.g. a cached merge, stays as it is). */
    public EndpointAggregate copy() {
        EndpointAggregate c = new EndpointAggregate();
        c.add(this);
        return c;
    }

    public Histogram histogram() {
        return histogram;
    }

    public long count() {
        return histogram.count();
    }

    public long errors4xx() {
        return errors4xx;
    }

    public long errors5xx() {
        return errors5xx;
    }

    public long warn() {
        return warn;
    }

    public long critical() {
        return critical;
    }

    /** One named metric (as accepted by the series query); {@code minutes} is the span it covers. */
    public double metric(Metric metric, double minutes) {
        long n = count();
        return switch (metric) {
            case COUNT -> n;
            case THROUGHPUT -> n / minutes;
            case ERROR_RATE -> n == 0 ? 0 : (double) (errors4xx + errors5xx) / n;
            case ERROR_4XX_RATE -> n == 0 ? 0 : (double) errors4xx / n;
            case ERROR_5XX_RATE -> n == 0 ? 0 : (double) errors5xx / n;
            case P50 -> histogram.percentile(0.50);
            case P90 -> histogram.percentile(0.90);
            case P95 -> histogram.percentile(0.95);
            case P99 -> histogram.percentile(0.99);
            case MAX -> histogram.maxMs();
            case MEAN -> n == 0 ? 0 : histogram.sumMs() / n;
            case SLOW -> warn;
            case CRITICAL -> critical;
        };
    }
}
