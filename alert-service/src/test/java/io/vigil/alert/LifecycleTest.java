package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;


import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.alert.stream.SignalReader;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Rule → pending → firing → ack → resolved over metrics.live events in a real Redis, with a real webhook. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class LifecycleTest extends HookedTest {

    void live(EventEnvelope e) {
        xadd(Streams.METRICS_LIVE, e);
    }

    @Test
    void breachFiresAtOnceNotifiesAckResolvesAndRecordsHistory() {
        AlertApi.putRouting(AlertApi.webhookRouting(hook.url("/hook"))).statusCode(200);
        AlertApi.putRule(AlertApi.metricsRule("shop-p95", "shop1", "p95Ms > 500", 0, 0)).statusCode(201);

        EventEnvelope breach = Signals.live("shop1", "/checkout", "2xx", 100, 0, 800);
        live(breach);
        Hook.Request fired = hook.await(r -> r.body().contains("shop-p95") && r.body().contains("\"firing\""), 1,
                Duration.ofSeconds(10)).get(0);
        assertThat(fired.json().path("alerts").get(0).path("annotations").path("summary").asText())
                .isEqualTo("/checkout p95 is 800ms");
        Map<String, Object> alert = AlertApi.one("shop-p95");
        String fp = (String) alert.get("fingerprint");
        assertThat(alert.get("state")).isEqualTo("firing");

        // the same event again (redelivery) and a further breach: still one alert, one notification
        live(breach);
        live(Signals.live("shop1", "/checkout", "2xx", 100, 0, 900));
        Poll.until(() -> AlertApi.alert(fp), a -> ((Number) a.get("value")).doubleValue() == 900,
                Duration.ofSeconds(5), "value 900");
        assertThat(AlertApi.alerts("?state=all").stream()
                .filter(a -> "shop-p95".equals(((Map<?, ?>) a.get("labels")).get("alertname")))).hasSize(1);

        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("by", "ana", "comment", "looking")).post("/api/v1/alerts/" + fp + "/ack").then()
                .statusCode(200);
        assertThat(((Map<?, ?>) AlertApi.alert(fp).get("acknowledged")).get("by")).isEqualTo("ana");

        live(Signals.live("shop1", "/checkout", "2xx", 100, 0, 120));
        hook.await(r -> r.body().contains("shop-p95") && r.body().contains("\"resolved\""), 1, Duration.ofSeconds(10));
        Map<String, Object> resolved = Poll.until(() -> AlertApi.alert(fp), a -> "resolved".equals(a.get("state")),
                Duration.ofSeconds(5), "resolved");
        assertThat(resolved.get("acknowledged")).as("an ack ends when the alert resolves").isNull();

        // a late replay of a breach observed before the resolution never re-fires it
        EventEnvelope late = new EventEnvelope("replay-" + fp, "metrics.live", "test/1",
                breach.time().minusMillis(5), 1, breach.payload());
        live(late);
        live(Signals.live("shop1", "/other", "2xx", 1, 0, 1)); // a later event, so the replay was surely read
        Poll.until(() -> redis.stream(String.class).xpending(Streams.METRICS_LIVE, SignalReader.GROUP)
                .getPendingCount(), n -> n == 0, Duration.ofSeconds(5), "replay consumed");
        assertThat(AlertApi.alert(fp).get("state")).isEqualTo("resolved");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) AlertApi.alert(fp).get("history");
        assertThat(history.stream().map(h -> h.get("type")).toList()).containsSubsequence("pending", "firing",
                "acknowledged", "resolved");
        assertThat(history.stream().filter(h -> h.get("type").equals("firing"))).hasSize(1);
        assertThat(hook.where(r -> r.body().contains("shop-p95") && r.body().contains("\"firing\""))).hasSize(1);

        List<String> types = redis.stream(String.class).xrange(Streams.ALERT, io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))
                .stream().map(StreamMessage::payload).filter(m -> m.get("payload").contains(fp))
                .map(m -> m.get("type")).toList();
        assertThat(types).containsExactly("alert.pending", "alert.firing", "alert.acknowledged", "alert.resolved");
    }

    @Test
    void forHoldsPendingAndKeepFiringForBridgesAFlap() {
        AlertApi.putRouting(AlertApi.webhookRouting(hook.url("/hook"))).statusCode(200);
        AlertApi.putRule(AlertApi.metricsRule("err-rate", "shop2", "errorRate5xx > 0.1", 800, 1500)).statusCode(201);
        long start = System.currentTimeMillis();
        // 2xx and 5xx series of one endpoint are combined: 30 errors of 100 requests
        live(Signals.live("shop2", "/pay", "2xx", 70, 0, 10));
        live(Signals.live("shop2", "/pay", "5xx", 30, 30, 10));
        Map<String, Object> a = AlertApi.one("err-rate");
        String fp = (String) a.get("fingerprint");
        assertThat(a.get("state")).isEqualTo("pending");
        while (!"firing".equals(AlertApi.alert(fp).get("state"))) {
            live(Signals.live("shop2", "/pay", "5xx", 30, 30, 10));
            assertThat(System.currentTimeMillis() - start).as("fires after for").isLessThan(10_000);
            cadence();
        }
        assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(800);
        hook.await(r -> r.body().contains("err-rate"), 1, Duration.ofSeconds(5));

        // the condition clears and comes back within keepFiringFor: no resolve, no second notification
        live(Signals.live("shop2", "/pay", "5xx", 0, 0, 10));
        live(Signals.live("shop2", "/pay", "2xx", 1000, 0, 10));
        live(Signals.live("shop2", "/pay", "5xx", 500, 500, 10));
        Poll.until(() -> AlertApi.alert(fp), x -> ((Number) x.get("value")).doubleValue() > 0.3, Duration.ofSeconds(5),
                "breach again");
        assertThat(AlertApi.alert(fp).get("state")).isEqualTo("firing");
        // cleared for good: resolves after keepFiringFor
        live(Signals.live("shop2", "/pay", "5xx", 0, 0, 10));
        long cleared = System.currentTimeMillis();
        Poll.until(() -> AlertApi.alert(fp), x -> "resolved".equals(x.get("state")), Duration.ofSeconds(10), "resolved");
        assertThat(System.currentTimeMillis() - cleared).isGreaterThanOrEqualTo(1400);
        assertThat(hook.where(r -> r.body().contains("err-rate") && r.body().contains("\"status\":\"firing\"")))
                .hasSize(1);
    }

    @Test
    void aFlappingAlertSendsOneSummaryInsteadOfAStorm() {
        AlertApi.putRouting(AlertApi.webhookRouting(hook.url("/flap"))).statusCode(200);
        AlertApi.putRule(AlertApi.metricsRule("flappy", "flap", "p95Ms > 500", 0, 0)).statusCode(201);
        String fp = null;
        for (int change = 1; change <= 8; change++) {
            boolean fire = change % 2 == 1;
            live(Signals.live("flap", "/f", "2xx", 10, 0, fire ? 900 : 10));
            if (fp == null) {
                fp = (String) AlertApi.one("flappy").get("fingerprint");
            }
            String id = fp;
            Poll.until(() -> AlertApi.alert(id).get("state"), st -> st.equals(fire ? "firing" : "resolved"),
                    Duration.ofSeconds(5), "change " + change);
        }
        hook.await(r -> r.path().equals("/flap") && r.body().contains("\"kind\":\"flapping\""), 1,
                Duration.ofSeconds(5));
        long flapAt = hook.where(r -> r.body().contains("\"kind\":\"flapping\"")).get(0).at();
        // six changes in the window make it flapping (vigil.alert.flap-transitions): changes 7 and 8 send nothing
        assertThat(hook.where(r -> r.path().equals("/flap") && r.body().contains("\"kind\":\"flapping\"")))
                .hasSize(1);
        assertThat(hook.where(r -> r.path().equals("/flap") && r.at() > flapAt)).isEmpty();
        assertThat((Boolean) AlertApi.alert(fp).get("flapping")).isTrue();
    }

    /** metrics.live keeps publishing a breaching series (every 250 ms); the test publishes every 100 ms. */
    private static void cadence() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
