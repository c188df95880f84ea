package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.vigil.common.event.Streams;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.ServiceProcess;

/**
 * Two replicas; one is SIGKILLed while events stream in and an escalation is under way, then restarted: no firing
 * alert forgotten, no resolved alert re-fired, no escalation step skipped (the other replica takes the timers).
 */
class CrashIT {

    @Test
    void killedReplicaLosesNothing() throws Exception {
        try (AlertFleet fleet = new AlertFleet(); Hook hook = new Hook()) {
            ServiceProcess a = fleet.start("a", Map.of());
            ServiceProcess b = fleet.start("b", Map.of());
            AlertFleet.api(a, ApiKeys.ADMIN).body(Map.of(
                    "receivers", List.of(Map.of("name", "l1", "type", "webhook", "url", hook.url("/l1")),
                            Map.of("name", "l2", "type", "webhook", "url", hook.url("/l2")),
                            Map.of("name", "l3", "type", "webhook", "url", hook.url("/l3"))),
                    "route", Map.of("receiver", "l1", "groupBy", List.of("endpoint"), "groupWaitMs", 0,
                            "groupIntervalMs", 300, "escalationPolicy", "p"),
                    "escalationPolicies", List.of(Map.of("name", "p", "levels", List.of(
                            Map.of("delayMs", 0, "receivers", List.of("l1")),
                            Map.of("delayMs", 5000, "receivers", List.of("l2")),
                            Map.of("delayMs", 10000, "receivers", List.of("l3")))))))
                    .put("/api/v1/routing").then().statusCode(200);
            AlertFleet.api(a, ApiKeys.ADMIN).body(AlertApi.metricsRule("crash", "crash", "p95Ms > 500", 0, 0))
                    .put("/api/v1/rules/crash").then().statusCode(201);

            // Y fires and resolves before the crash (published until seen: the other replica loads rules each second)
            Poll.until(() -> {
                Signals.xadd(fleet.redis, Streams.METRICS_LIVE, Signals.live("crash", "/y", "2xx", 10, 0, 900));
                return hook.where(r -> r.path().equals("/l1") && r.body().contains("\"/y\"")).size();
            }, n -> n > 0, Duration.ofSeconds(20), "Y firing");
            // The cleared value resolves Y at once. It is published until seen, as metrics.live does every 250 ms:
            // one event alone may reach the replica that has not loaded the rule yet (rules reload every second),
            // and Y would then stay firing until its series goes stale, escalating to l2 and l3 meanwhile.
            Poll.until(() -> {
                Signals.xadd(fleet.redis, Streams.METRICS_LIVE, Signals.live("crash", "/y", "2xx", 10, 0, 10));
                return hook.where(r -> r.body().contains("\"/y\"") && r.body().contains("\"resolved\"")).size();
            }, n -> n > 0, Duration.ofSeconds(45), "Y resolved");

            // X keeps breaching, published every 250 ms like metrics.live, across the crash
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                while (publishing.get()) {
                    Signals.xadd(fleet.redis, Streams.METRICS_LIVE, Signals.live("crash", "/x", "2xx", 10, 0, 900));
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            publisher.start();
            try {
                hook.await(r -> r.path().equals("/l1") && r.body().contains("\"/x\""), 1, Duration.ofSeconds(20));
                a.kill(); // mid-evaluation: events keep arriving, escalation level 2 is due in a few seconds
                hook.await(r -> r.path().equals("/l2") && r.body().contains("\"/x\""), 1, Duration.ofSeconds(30));
                a.start(Duration.ofSeconds(60));
                hook.await(r -> r.path().equals("/l3") && r.body().contains("\"/x\""), 1, Duration.ofSeconds(30));
            } finally {
                publishing.set(false);
                publisher.join();
            }
            List<Map<String, Object>> alerts = AlertFleet.api(a, ApiKeys.READER).get("/api/v1/alerts?state=all")
                    .then().statusCode(200).extract().jsonPath().getList("");
            Map<String, Object> x = alerts.stream().filter(m -> "/x".equals(((Map<?, ?>) m.get("labels"))
                    .get("endpoint"))).findFirst().orElseThrow();
            Map<String, Object> y = alerts.stream().filter(m -> "/y".equals(((Map<?, ?>) m.get("labels"))
                    .get("endpoint"))).findFirst().orElseThrow();
            assertThat(x.get("state")).as("firing alert not forgotten").isEqualTo("firing");
            assertThat(y.get("state")).as("resolved alert not re-fired").isEqualTo("resolved");
            assertThat(y.get("episode")).isEqualTo(1);
            assertThat(hook.where(r -> r.body().contains("\"/y\"") && r.body().contains("\"status\":\"firing\"")))
                    .hasSize(1);
            List<Map<String, Object>> history = AlertFleet.api(b, ApiKeys.READER)
                    .get("/api/v1/alerts/" + x.get("fingerprint")).then().extract().jsonPath().getList("history");
            assertThat(history.stream().filter(h -> "escalated".equals(h.get("type")))
                    .map(h -> String.valueOf(((Map<?, ?>) h.get("detail")).get("level"))).toList())
                    .containsExactly("1", "2", "3");
            assertThat(history.stream().filter(h -> "firing".equals(h.get("type")))).hasSize(1);
        }
    }
}
