package io.vigil.alert.domain;

import java.util.List;
import java.util.Map;

/**
 * One thing a rule can look at, from a stream event: the labels that identify the series (service, endpoint, method;
 * queue; target, group), its values by expression field, and when it was observed (event time, ms).
 *
 * @param parents health targets this one depends on (for inhibition behind a DOWN parent)
 * @param state   health only: the target's new state
 */
public record Observation(String source, String signal, Map<String, String> labels, Map<String, Double> values,
        String state, long timeMs, List<String> parents) {
}
