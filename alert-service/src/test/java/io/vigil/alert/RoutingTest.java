package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Receivers in their formats (real HTTP receivers, a real SMTP server), secrets never returned, silences,
 * inhibition (severity and health dependsOn), escalation stopped by an ack, queue, health and absence rules, and
 * the summary.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@QuarkusTestResource(SmtpResource.class)
class RoutingTest extends HookedTest {


    static Map<String, Object> receiver(String name, String type, String path, Object... extra) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("type", type);
        if (path != null) {
            r.put("url", hook.url(path));
        }
        for (int i = 0; i < extra.length; i += 2) {
            r.put((String) extra[i], extra[i + 1]);
        }
        return r;
    }

    static Map<String, Object> route(String receiver, String matcher) {
        return Map.of("receiver", receiver, "matchers", List.of(matcher), "continue", true, "groupWaitMs", 0,
                "groupIntervalMs", 300);
    }

    void routing(List<Map<String, Object>> routes, List<Object> policies) {
        List<Map<String, Object>> receivers = List.of(
                receiver("hook", "webhook", "/hook?token=s3cret-url-token"),
                receiver("slack", "slack", "/slack"),
                receiver("am", "alertmanager", "/am"),
                receiver("pd", "pagerduty", "/pd", "routingKey", "pd-secret-key"),
                receiver("sms", "sms", "/twilio", "to", List.of("+15550001"), "from", "+15550000", "accountSid",
                        "AC123", "authToken", "sms-secret-token"),
                receiver("mail", "email", null, "to", List.of("lead@example.org")),
                receiver("oncall", "webhook", "/oncall"),
                receiver("lead", "webhook", "/lead"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("receivers", receivers);
        r.put("route", Map.of("receiver", "hook", "groupWaitMs", 0, "groupIntervalMs", 300, "routes", routes));
        r.put("escalationPolicies", policies);
        AlertApi.putRouting(r).statusCode(200);
    }

    @Test
    void testAlertReachesEveryReceiverInItsFormatAndSecretsStayHidden() throws Exception {
        routing(List.of(route("slack", "alertname=fmt"), route("am", "alertname=fmt"), route("pd", "alertname=fmt"),
                route("sms", "alertname=fmt"), route("mail", "alertname=fmt")), List.of());
        String shown = given().header("Authorization", ApiKeys.READER).get("/api/v1/routing").then().statusCode(200)
                .extract().asString();
        assertThat(shown).doesNotContain("s3cret-url-token", "pd-secret-key", "sms-secret-token").contains("<secret>");

        given().header("Authorization", ApiKeys.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("alertname", "fmt", "service", "billing")).post("/api/v1/alerts/test").then()
                .statusCode(200);
        assertThat(hook.await(r -> r.path().equals("/slack") && r.body().contains("fmt"), 1, Duration.ofSeconds(10)).get(0).json()
                .path("text").asText()).contains("FIRING", "fmt");
        var am = hook.await(r -> r.path().equals("/am") && r.body().contains("fmt"), 1, Duration.ofSeconds(10)).get(0).json();
        assertThat(am.path("version").asText()).isEqualTo("4");
        assertThat(am.path("alerts").get(0).path("labels").path("service").asText()).isEqualTo("billing");
        assertThat(am.path("commonLabels").path("alertname").asText()).isEqualTo("fmt");
        var pd = hook.await(r -> r.path().equals("/pd") && r.body().contains("fmt"), 1, Duration.ofSeconds(10)).get(0).json();
        assertThat(pd.path("routing_key").asText()).isEqualTo("pd-secret-key");
        assertThat(pd.path("event_action").asText()).isEqualTo("trigger");
        assertThat(pd.path("payload").path("severity").asText()).isEqualTo("info");
        Hook.Request sms = hook.await(r -> r.path().startsWith("/twilio"), 1, Duration.ofSeconds(10)).get(0);
        assertThat(sms.path()).isEqualTo("/twilio/2010-04-01/Accounts/AC123/Messages.json");
        assertThat(sms.body()).contains("To=%2B15550001", "From=%2B15550000", "Body=");
        assertThat(sms.authorization()).startsWith("Basic ");
        Poll.until(() -> SmtpResource.mail.getReceivedMessages().length, n -> n >= 1, Duration.ofSeconds(10), "email");
        var message = SmtpResource.mail.getReceivedMessages()[0];
        assertThat(message.getSubject()).contains("fmt");
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("lead@example.org");
    }

    @Test
    void silencedAlertsAreNotSentAndCriticalInhibitsWarning() {
        routing(List.of(), List.of());
        Map<String, Object> warn = new LinkedHashMap<>(AlertApi.metricsRule("lat-warn", "inh", "p95Ms > 100", 0, 0));
        warn.put("name", "HighLatency");
        warn.put("severity", "warning");
        Map<String, Object> crit = new LinkedHashMap<>(warn);
        crit.put("id", "lat-crit");
        crit.put("severity", "critical");
        crit.put("expr", "p95Ms > 500");
        AlertApi.putRule(warn).statusCode(201);
        AlertApi.putRule(crit).statusCode(201);
        xadd(Streams.METRICS_LIVE, Signals.live("inh", "/a", "2xx", 10, 0, 900));
        hook.await(r -> r.body().contains("\"service\":\"inh\"") && r.body().contains("critical"), 1,
                Duration.ofSeconds(10));
        List<Map<String, Object>> both = Poll.until(() -> AlertApi.alerts("?severity=warning"), l -> l.stream()
                .anyMatch(a -> "inh".equals(((Map<?, ?>) a.get("labels")).get("service"))), Duration.ofSeconds(5), "warn");
        Map<String, Object> w = both.stream().filter(a -> "inh".equals(((Map<?, ?>) a.get("labels")).get("service")))
                .findFirst().orElseThrow();
        assertThat((String) w.get("mutedBy")).startsWith("inhibit:");
        assertThat(hook.where(r -> r.body().contains("\"service\":\"inh\"") && r.body().contains("\"warning\"")))
                .isEmpty();

        // a silence mutes a new alert entirely
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("matchers", List.of("service=quiet"), "endsAt", Instant.now().plusSeconds(600).toString(),
                        "createdBy", "ops", "comment", "maintenance"))
                .post("/api/v1/silences").then().statusCode(201);
        AlertApi.putRule(AlertApi.metricsRule("quiet-p95", "quiet", "p95Ms > 100", 0, 0)).statusCode(201);
        xadd(Streams.METRICS_LIVE, Signals.live("quiet", "/a", "2xx", 10, 0, 900));
        Map<String, Object> q = AlertApi.one("quiet-p95");
        Poll.until(() -> AlertApi.alert((String) q.get("fingerprint")), a -> "firing".equals(a.get("state")),
                Duration.ofSeconds(5), "firing");
        assertThat((String) AlertApi.alert((String) q.get("fingerprint")).get("mutedBy")).startsWith("silence:");
        // a later alert that is not silenced is sent; the silenced one never was
        xadd(Streams.METRICS_LIVE, Signals.live("inh", "/b", "2xx", 10, 0, 900));
        hook.await(r -> r.body().contains("\"endpoint\":\"/b\""), 1, Duration.ofSeconds(10));
        assertThat(hook.where(r -> r.body().contains("quiet-p95"))).isEmpty();
    }

    @Test
    void escalationStepsUntilAcknowledged() {
        routing(List.of(Map.of("receiver", "oncall", "matchers", List.of("alertname=esc"), "escalationPolicy", "p",
                "groupWaitMs", 0)), List.of(Map.of("name", "p", "levels", List.of(
                        Map.of("delayMs", 0, "receivers", List.of("oncall")),
                        Map.of("delayMs", 700, "receivers", List.of("slack")),
                        Map.of("delayMs", 2500, "receivers", List.of("lead"))))));
        AlertApi.putRule(AlertApi.metricsRule("esc", "esc", "p95Ms > 100", 0, 0)).statusCode(201);
        xadd(Streams.METRICS_LIVE, Signals.live("esc", "/e", "2xx", 10, 0, 900));
        hook.await(r -> r.path().equals("/slack") && r.body().contains("escalation"), 1, Duration.ofSeconds(10));
        String fp = (String) AlertApi.one("esc").get("fingerprint");
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(Map.of("by", "bo"))
                .post("/api/v1/alerts/" + fp + "/ack").then().statusCode(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) AlertApi.alert(fp).get("history");
        assertThat(history.stream().filter(h -> h.get("type").equals("escalated"))
                .map(h -> String.valueOf(((Map<?, ?>) h.get("detail")).get("level"))).toList()).containsExactly("1", "2");
        // level 3 would be due 2.5 s after firing: wait past it (keeping the series alive) and see it never sent
        long until = System.currentTimeMillis() + 3500;
        Poll.until(() -> {
            xadd(Streams.METRICS_LIVE, Signals.live("esc", "/e", "2xx", 10, 0, 900));
            return System.currentTimeMillis();
        }, now -> now > until, Duration.ofSeconds(10), "past level 3");
        assertThat(hook.where(r -> r.path().equals("/lead"))).isEmpty();
        assertThat(AlertApi.alert(fp).get("escalationLevel")).isEqualTo(2);
    }

    @Test
    void anExpiredAckReEscalates() {
        routing(List.of(Map.of("receiver", "oncall", "matchers", List.of("alertname=ackexp"), "escalationPolicy",
                "p2", "groupWaitMs", 0)), List.of(Map.of("name", "p2", "levels", List.of(
                        Map.of("delayMs", 0, "receivers", List.of("oncall")),
                        Map.of("delayMs", 600_000, "receivers", List.of("lead"))))));
        AlertApi.putRule(AlertApi.metricsRule("ackexp", "ackexp", "p95Ms > 100", 0, 0)).statusCode(201);
        xadd(Streams.METRICS_LIVE, Signals.live("ackexp", "/a", "2xx", 10, 0, 900));
        hook.await(r -> r.path().equals("/oncall") && r.body().contains("ackexp"), 1, Duration.ofSeconds(10));
        String fp = (String) AlertApi.one("ackexp").get("fingerprint");
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("by", "cy", "durationMs", 500)).post("/api/v1/alerts/" + fp + "/ack").then().statusCode(200);
        // the ack expires after 500 ms: escalation starts again and level 1 pages on-call again
        hook.await(r -> r.path().equals("/oncall") && r.body().contains("ackexp")
                && r.body().contains("\"kind\":\"escalation\""), 1, Duration.ofSeconds(10));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) AlertApi.alert(fp).get("history");
        assertThat(history.stream().map(h -> h.get("type")).toList()).containsSubsequence("firing",
                "acknowledged", "ack-expired", "escalated");
        assertThat(AlertApi.alert(fp).get("acknowledged")).isNull();
    }

    @Test
    void healthQueueAndAbsenceRules() {
        routing(List.of(), List.of());
        AlertApi.putRule(Map.of("id", "down", "source", "health", "expr", "state == DOWN", "severity", "critical",
                "annotations", Map.of("summary", "{{ $labels.target }} is down"))).statusCode(201);
        AlertApi.putRule(Map.of("id", "dead-jobs", "source", "queue", "expr", "dead >= 2", "windowMs", 60000,
                "matchers", List.of("queue=emails"))).statusCode(201);
        AlertApi.putRule(Map.of("id", "silent", "source", "absence", "expr", "absentMs > 1500",
                "matchers", List.of("service=ghost"))).statusCode(201);

        xadd(Streams.HEALTH_TRANSITION, Signals.envelope("health.transition", Map.of("target", "db", "group", "core",
                "from", "UP", "to", "DOWN", "reason", "timeout", "checkedAt", Instant.now().toString(),
                "latencyMs", 2000, "dependsOn", List.of(), "labels", Map.of())));
        xadd(Streams.HEALTH_TRANSITION, Signals.envelope("health.transition", Map.of("target", "api", "group", "core",
                "from", "UP", "to", "DOWN", "reason", "refused", "checkedAt", Instant.now().toString(),
                "latencyMs", 1, "dependsOn", List.of("db"), "labels", Map.of())));
        hook.await(r -> r.body().contains("db is down"), 1, Duration.ofSeconds(10));
        Map<String, Object> api = Poll.until(() -> AlertApi.alerts("").stream().filter(a -> "api".equals(
                ((Map<?, ?>) a.get("labels")).get("target"))).findFirst().orElse(null), a -> a != null,
                Duration.ofSeconds(5), "api alert");
        assertThat((String) api.get("mutedBy")).as("child behind a DOWN parent").startsWith("inhibit:");
        assertThat(hook.where(r -> r.body().contains("api is down"))).isEmpty();

        for (int i = 0; i < 2; i++) {
            xadd(Streams.QUEUE, Signals.envelope("queue.job.dead", Map.of("queue", "emails", "jobId", "j" + i,
                    "attempts", 5, "waitMs", 1, "runMs", 1, "error", "smtp")));
        }
        assertThat(String.valueOf(((Map<?, ?>) AlertApi.one("dead-jobs").get("labels")).get("queue"))).isEqualTo("emails");

        Map<String, Object> absent = AlertApi.one("silent");
        String fp = (String) absent.get("fingerprint");
        Poll.until(() -> AlertApi.alert(fp), a -> "firing".equals(a.get("state")), Duration.ofSeconds(10), "absent");
        Poll.until(() -> {
            xadd(Streams.METRICS_LIVE, Signals.live("ghost", "/g", "2xx", 1, 0, 1));
            return AlertApi.alert(fp);
        }, a -> "resolved".equals(a.get("state")), Duration.ofSeconds(10), "data is back");

        @SuppressWarnings("unchecked")
        Map<String, Object> summary = given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/summary")
                .then().statusCode(200).extract().as(Map.class);
        assertThat(summary).containsKeys("counts", "topNoisyRules", "meanTimeToAcknowledgeMs", "meanTimeToResolveMs");
        assertThat(((Map<?, ?>) summary.get("counts")).get("firing").toString()).contains("critical");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("vigil_alert_alerts{", "vigil_alert_evaluation_lag_seconds",
                "vigil_alert_notifications_total{");
    }
}
