package io.vigil.metrics.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** metrics-service's own counters about ingestion, registered with the help text Prometheus shows for them. */
@ApplicationScoped
public class IngestMeters {

    private final MeterRegistry meters;

    public IngestMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    /** @param path {@code rest} or {@code stream}; @param outcome {@code accepted} (stored in Redis) or {@code rejected} */
    public Counter samples(String path, String outcome) {
        return Counter.builder("vigil.metrics.samples")
                .description("Samples received, by ingest path and outcome (accepted = stored in Redis)")
                .tag("path", path).tag("outcome", outcome).register(meters);
    }

    public Counter folds(String service) {
        return Counter.builder("vigil.metrics.endpoint.folds")
                .description("Samples whose endpoint was folded into 'other' by the per-service cardinality cap")
                .tag("service", service).register(meters);
    }
}
