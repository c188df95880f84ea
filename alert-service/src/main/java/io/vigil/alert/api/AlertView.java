package io.vigil.alert.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.vigil.alert.domain.AlertInstance;

/** An alert as the API shows it (times ISO-8601 UTC). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertView(String fingerprint, String rule, String state, String severity, Map<String, String> labels,
        Map<String, String> annotations, double value, String activeAt, String startsAt, String resolvedAt,
        Ack acknowledged, int escalationLevel, boolean flapping, String mutedBy, long episode,
        List<Map<String, Object>> history) {

    public record Ack(String by, String comment, String at, String until) {
    }

    static AlertView of(AlertInstance a, String mutedBy, List<Map<String, Object>> history) {
        return new AlertView(a.fingerprint, a.ruleId, a.state.label(), a.severity, a.labels, a.annotations, a.value,
                time(a.activeAt), time(a.firingAt), time(a.resolvedAt),
                a.ack == null ? null : new Ack(a.ack.by(), a.ack.comment(), time(a.ack.at()), time(a.ack.until())),
                a.escalationLevel, a.flapping, mutedBy, a.episode, history);
    }

    static String time(long ms) {
        return ms > 0 ? Instant.ofEpochMilli(ms).toString() : null;
    }
}
