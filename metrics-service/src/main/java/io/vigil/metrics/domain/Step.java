package io.vigil.metrics.domain;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vigil.common.problem.ProblemException;

/** A time-series step: a whole number of buckets of the coarsest resolution that divides it. */
public record Step(String label, long seconds, Resolution resolution) {

    private static final Map<String, Long> STEPS = new LinkedHashMap<>();
    static {
        STEPS.put("10s", 10L);
        STEPS.put("1m", 60L);
        STEPS.put("5m", 300L);
        STEPS.put("15m", 900L);
        STEPS.put("1h", 3600L);
        STEPS.put("6h", 21600L);
        STEPS.put("1d", 86400L);
    }
    static final int MAX_POINTS = 2000;

    public static Step parse(String label) {
        Long seconds = STEPS.get(label == null ? "1m" : label);
        if (seconds == null) {
            throw ProblemException.invalid("step", "unknown step '" + label + "'; use one of " + STEPS.keySet());
        }
        Resolution res = seconds % 3600 == 0 ? Resolution.HOUR : seconds % 60 == 0 ? Resolution.MINUTE : Resolution.RAW;
        return new Step(label == null ? "1m" : label, seconds, res);
    }

    public void check(Window window) {
        if (resolution.ordinal() < window.finest().ordinal()) {
            throw ProblemException.invalid("step", label + " points are not retained that far back; use a step of at "
                    + "least " + window.finest().label());
        }
        if ((window.to() - window.from()) / seconds > MAX_POINTS) {
            throw ProblemException.invalid("step", "too fine for this window (more than " + MAX_POINTS + " points)");
        }
    }
}
