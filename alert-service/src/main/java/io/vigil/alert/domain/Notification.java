package io.vigil.alert.domain;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One message to one receiver: the payload of a job on queue-service's {@code notifications} queue. It names its
 * receiver but carries none of its secrets (the worker looks them up when sending). {@code id} is the idempotency key.
 *
 * @param kind   {@code group} (a route's group flush), {@code escalation}, {@code flapping} or {@code test}
 * @param status {@code firing} if any alert in it fires, else {@code resolved}
 */
@RegisterForReflection
public record Notification(String id, String receiver, String kind, String status, String groupKey,
        Map<String, String> groupLabels, List<Item> alerts, String createdAt) {

    /** An alert as receivers see it. */
    @RegisterForReflection
    public record Item(String fingerprint, String rule, String status, String severity, Map<String, String> labels,
            Map<String, String> annotations, double value, String startsAt, String endsAt, String acknowledgedBy,
            boolean flapping) {

        public static Item of(AlertInstance a) {
            String status = a.state == AlertState.RESOLVED ? "resolved" : "firing";
            return new Item(a.fingerprint, a.ruleId, status, a.severity, a.labels, a.annotations, a.value,
                    java.time.Instant.ofEpochMilli(a.firingAt > 0 ? a.firingAt : a.activeAt).toString(),
                    a.resolvedAt > 0 ? java.time.Instant.ofEpochMilli(a.resolvedAt).toString() : null,
                    a.ack == null ? null : a.ack.by(), a.flapping);
        }
    }

    public String title() {
        String first = alerts.isEmpty() ? "" : alerts.get(0).labels().getOrDefault("alertname", alerts.get(0).rule());
        return "[" + status.toUpperCase(java.util.Locale.ROOT) + (alerts.size() > 1 ? ":" + alerts.size() : "") + "] "
                + first + (kind.equals("group") ? "" : " (" + kind + ")");
    }
}
