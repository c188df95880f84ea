package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Queue depth rules ({@code backlog}, {@code oldestWaitingMs}) over queue-service's stats, polled over real HTTP from
 * a {@link MiniQueue}: pending → firing → notified → resolved as the depth the queue reports changes.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@QuarkusTestResource(value = MiniQueueResource.class, restrictToAnnotatedClass = true)
class QueueDepthTest extends HookedTest {

    static Map<String, Object> queueRule(String id, String matcher, String expr, long forMs) {
        return Map.of("id", id, "source", "queue", "expr", expr, "matchers", List.of(matcher), "severity", "warning",
                "forMs", forMs, "annotations", Map.of("summary", "{{ $labels.queue }}: {{ $value }}"));
    }

    @SuppressWarnings("unchecked")
    static List<Object> historyTypes(String fp) {
        return ((List<Map<String, Object>>) AlertApi.alert(fp).get("history")).stream()
                .map(h -> (Object) h.get("type")).toList();
    }

    @Test
    void backlogAndOldestWaitingRulesFireAndResolveAsTheDepthChanges() {
        MiniQueue mini = MiniQueueResource.queue;
        AlertApi.putRouting(AlertApi.webhookRouting(hook.url("/depth"))).statusCode(200);
        mini.depth("emails", 60, 10, 1_000);
        mini.depth("sms", 500, 0, 1_000); // not matched by the backlog rule
        AlertApi.putRule(queueRule("emails-backlog", "queue=emails", "backlog > 100", 600)).statusCode(201);
        AlertApi.putRule(queueRule("queue-oldest", "queue=~.*", "oldestWaitingMs > 60000", 0)).statusCode(201);

        mini.depth("emails", 90, 20, 1_000); // backlog = waiting + delayed = 110
        Map<String, Object> firing = Poll.until(() -> AlertApi.one("emails-backlog"),
                a -> "firing".equals(a.get("state")), Duration.ofSeconds(10), "backlog firing");
        String fp = (String) firing.get("fingerprint");
        assertThat(((Map<?, ?>) firing.get("labels")).get("queue")).isEqualTo("emails");
        assertThat(((Number) firing.get("value")).doubleValue()).isEqualTo(110);
        assertThat(historyTypes(fp)).containsSubsequence("pending", "firing");
        Hook.Request note = hook.await(r -> r.body().contains("emails-backlog") && r.body().contains("\"firing\""), 1,
                Duration.ofSeconds(10)).get(0);
        assertThat(note.json().path("alerts").get(0).path("annotations").path("summary").asText())
                .isEqualTo("emails: 110");

        mini.depth("emails", 5, 0, 1_000);
        Poll.until(() -> AlertApi.alert(fp), a -> "resolved".equals(a.get("state")), Duration.ofSeconds(10),
                "backlog resolved");
        hook.await(r -> r.body().contains("emails-backlog") && r.body().contains("\"resolved\""), 1,
                Duration.ofSeconds(10));

        // oldestWaitingMs, per queue under a regex matcher
        mini.depth("sms", 500, 0, 120_000);
        Map<String, Object> oldest = Poll.until(() -> AlertApi.alerts("?state=firing").stream()
                .filter(a -> "queue-oldest".equals(((Map<?, ?>) a.get("labels")).get("alertname"))).toList(),
                l -> l.size() == 1, Duration.ofSeconds(10), "oldest waiting firing").get(0);
        assertThat(((Map<?, ?>) oldest.get("labels")).get("queue")).isEqualTo("sms");
        assertThat(((Number) oldest.get("value")).doubleValue()).isEqualTo(120_000);
        mini.depth("sms", 0, 0, 0);
        Poll.until(() -> AlertApi.alert((String) oldest.get("fingerprint")), a -> "resolved".equals(a.get("state")),
                Duration.ofSeconds(10), "oldest waiting resolved");
        assertThat(AlertApi.alerts("?state=all").stream().filter(a -> "emails-backlog".equals(
                ((Map<?, ?>) a.get("labels")).get("alertname")))).as("sms never matched queue=emails").hasSize(1);
    }

    @Test
    void queueServiceDownSkipsThePollCountsItAndRecovers() {
        MiniQueue mini = MiniQueueResource.queue;
        AlertApi.putRule(queueRule("down-backlog", "queue=jobs", "backlog > 100", 0)).statusCode(201);
        mini.statsDown = true;
        Poll.until(() -> unavailablePolls(), n -> n >= 2, Duration.ofSeconds(10), "skipped polls counted");
        mini.depth("jobs", 200, 0, 0);
        mini.statsDown = false;
        Poll.until(() -> AlertApi.alerts("?state=firing").stream().filter(a -> "down-backlog".equals(
                ((Map<?, ?>) a.get("labels")).get("alertname"))).count(), n -> n == 1, Duration.ofSeconds(10),
                "firing once queue-service is back");
        mini.depth("jobs", 0, 0, 0);
        Poll.until(() -> AlertApi.alerts("?state=active").stream().filter(a -> "down-backlog".equals(
                ((Map<?, ?>) a.get("labels")).get("alertname"))).count(), n -> n == 0, Duration.ofSeconds(10),
                "resolved");
    }

    @Test
    void unknownQueueFieldIsA400NamingExpr() {
        given().header("Authorization", ApiKeys.ADMIN).contentType(ContentType.JSON)
                .body(queueRule("bad-depth", "queue=emails", "depth > 1", 0)).put("/api/v1/rules/bad-depth").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("expr"));
    }

    static double unavailablePolls() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("vigil_alert_queue_depth_polls_total")
                && l.contains("outcome=\"unavailable\"")).mapToDouble(l -> Double.parseDouble(l.substring(
                        l.lastIndexOf(' ') + 1))).sum();
    }
}
