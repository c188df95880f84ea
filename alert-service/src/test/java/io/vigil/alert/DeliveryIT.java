package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.vigil.common.event.Streams;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.ServiceProcess;

/**
 * Delivery faults with real servers: queue-service down (the circuit breaker delivers directly, counted), then the
 * webhook receiver down for a while ({@code -Dalert.outage.ms}, 20 s by default; the 2 minutes with
 * 120000) and up again: every notification arrives after it recovers, none lost, none twice.
 */
class DeliveryIT {

    static final int ALERTS = 20;

    @Test
    void queueDownFallsBackAndReceiverOutageLosesNothing() throws Exception {
        long outageMs = Long.getLong("alert.outage.ms", 20_000);
        int queuePort;
        try (ServerSocket s = new ServerSocket(0)) {
            queuePort = s.getLocalPort();
        }
        try (AlertFleet fleet = new AlertFleet(); Hook hook = new Hook(); MiniQueue queue = new MiniQueue(queuePort)) {
            ServiceProcess svc = fleet.start("a", Map.of("vigil.alert.delivery.queue-url", queue.url(),
                    "vigil.alert.delivery.queue-api-key", "test-writer-key",
                    "vigil.alert.delivery.breaker-failures", "1", "vigil.alert.delivery.breaker-open", "1s",
                    "vigil.alert.delivery.lease-wait-ms", "200"));
            AlertFleet.api(svc, ApiKeys.ADMIN).body(AlertApi.webhookRouting(hook.url("/hook")))
                    .put("/api/v1/routing").then().statusCode(200);
            AlertFleet.api(svc, ApiKeys.ADMIN).body(AlertApi.metricsRule("dlv", "dlv", "p95Ms > 500", 0, 0))
                    .put("/api/v1/rules/dlv").then().statusCode(201);

            // 1. queue-service is down (nothing listens on its port): delivered directly, and counted
            Signals.xadd(fleet.redis, Streams.METRICS_LIVE, Signals.live("dlv", "/fallback", "2xx", 10, 0, 900));
            hook.await(r -> r.body().contains("/fallback"), 1, Duration.ofSeconds(20));
            String metrics = AlertFleet.api(svc, ApiKeys.READER).get("/q/metrics").then().extract().asString();
            assertThat(metrics).containsPattern("vigil_alert_notifications_routed_total\\{path=\"fallback\"[^}]*} [1-9]");

            // 2. queue-service up; the receiver goes down and notifications pile up as retried jobs
            queue.start();
            hook.down();
            Poll.until(() -> {
                AlertFleet.api(svc, ApiKeys.ADMIN).body(Map.of("alertname", "probe")).post("/api/v1/alerts/test");
                return queue.enqueued;
            }, n -> n > 0, Duration.ofSeconds(20), "the breaker to close");
            long down = System.currentTimeMillis();
            for (int i = 0; i < ALERTS; i++) {
                Signals.xadd(fleet.redis, Streams.METRICS_LIVE, Signals.live("dlv", "/e" + i, "2xx", 10, 0, 900));
            }
            Poll.until(() -> queue.byState("waiting").size() + queue.byState("active").size(), n -> n >= ALERTS,
                    Duration.ofSeconds(20), "notifications queued");
            Poll.until(() -> System.currentTimeMillis() - down, t -> t >= outageMs, Duration.ofMillis(outageMs + 60_000),
                    "the outage to last " + outageMs + " ms");
            assertThat(queue.byState("dead")).as("nothing dead-lettered during the outage").isEmpty();
            hook.up();

            // firing notifications (the alerts also resolve after 30 s without data, which sends resolved ones)
            List<Hook.Request> got = hook.await(r -> r.body().contains("\"/e") && r.body().contains(
                    "\"status\":\"firing\""), ALERTS,
                    Duration.ofMillis(outageMs + 60_000)); // the next retry after recovery: up to one backoff step
            Set<String> endpoints = new HashSet<>();
            for (Hook.Request r : got) {
                endpoints.add(r.json().path("alerts").get(0).path("labels").path("endpoint").asText());
            }
            assertThat(endpoints).hasSize(ALERTS);
            assertThat(got).as("each notification once").hasSize(ALERTS);
            assertThat(queue.byState("dead")).isEmpty();
            assertThat(queue.byState("completed").stream().mapToInt(j -> j.attempts).max().orElse(0))
                    .as("retried while the receiver was down").isGreaterThan(1);
        }
    }
}
