package io.vigil.metrics.domain;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.vigil.common.problem.ProblemException;

/** The metrics a time series or a top-N ranking can be about. */
public enum Metric {
    COUNT("count"), THROUGHPUT("throughputPerMin"), ERROR_RATE("errorRate"), ERROR_4XX_RATE("error4xxRate"),
    ERROR_5XX_RATE("error5xxRate"), P50("p50Ms"), P90("p90Ms"), P95("p95Ms"), P99("p99Ms"), MAX("maxMs"),
    MEAN("meanMs"), SLOW("slowWarn"), CRITICAL("slowCritical");

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Metric parse(String field, String label, Metric fallback) {
        if (label == null) {
            return fallback;
        }
        for (Metric m : values()) {
            if (m.label.equalsIgnoreCase(label) || m.label.equalsIgnoreCase(label + "Ms")) {
                return m;
            }
        }
        throw ProblemException.invalid(field, "unknown metric '" + label + "'; use one of "
                + Arrays.stream(values()).map(Metric::label).collect(Collectors.joining(", ")));
    }
}
