package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Every bad input is a 400 problem+json naming the field, and changes nothing. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class BadInputTest {

    static Map<String, Object> rule(String field, Object value) {
        Map<String, Object> r = new HashMap<>(AlertApi.metricsRule("bad", "x", "p95Ms > 1", 0, 0));
        if (value == null) {
            r.remove(field);
        } else {
            r.put(field, value);
        }
        return r;
    }

    void ruleRejected(Map<String, Object> rule, String field) {
        AlertApi.putRule(rule).statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field));
    }

    @Test
    void invalidRulesNameTheField() {
        ruleRejected(rule("expr", "p95Ms >> 1"), "expr");
        ruleRejected(rule("expr", "latency > 1"), "expr");
        ruleRejected(rule("expr", "p95Ms > fast"), "expr");
        ruleRejected(rule("source", "logs"), "source");
        ruleRejected(rule("severity", "page"), "severity");
        ruleRejected(rule("forMs", -1), "forMs");
        ruleRejected(rule("matchers", List.of("=x")), "matchers[0]");
        ruleRejected(rule("matchers", List.of("service=~(")), "matchers[0]");
        ruleRejected(rule("annotations", Map.of("summary", "{{ $labels.endpoint }")), "annotations.summary");
        ruleRejected(rule("annotations", Map.of("summary", "{{ .Value }}")), "annotations.summary");
        ruleRejected(rule("signal", "fast"), "signal");
        Map<String, Object> health = rule("source", "health");
        health.put("expr", "state == GONE");
        ruleRejected(health, "expr");
        given().header("Authorization", ApiKeys.READER).get("/api/v1/rules/bad").then().statusCode(404);
    }

    @Test
    void unknownReceiverAndRouteLoopAreRejected() {
        Map<String, Object> hook = Map.of("name", "hook", "type", "webhook", "url", "http://127.0.0.1:1/x");
        AlertApi.putRouting(Map.of("receivers", List.of(hook), "route", Map.of("receiver", "hook", "routes",
                List.of(Map.of("receiver", "nobody"))))).statusCode(400)
                .body("errors[0].field", equalTo("route.routes[0].receiver"));
        AlertApi.putRouting(Map.of("receivers", List.of(hook), "route", Map.of("receiver", "hook", "routes", List.of(
                Map.of("name", "a", "routes", List.of(Map.of("include", "b"))),
                Map.of("name", "b", "routes", List.of(Map.of("include", "a"))))))).statusCode(400)
                .body("errors[0].field", equalTo("route.routes[0].routes[0].include(b).routes[0].include"));
        AlertApi.putRouting(Map.of("receivers", List.of(Map.of("name", "pd", "type", "pagerduty",
                "url", "https://events.example/v2/enqueue")))).statusCode(400)
                .body("errors[0].field", equalTo("receivers[0].routingKey"));
        AlertApi.putRouting(Map.of("receivers", List.of(hook), "escalationPolicies", List.of(Map.of("name", "p",
                "levels", List.of(Map.of("delayMs", 0, "receivers", List.of("ghost"))))))).statusCode(400)
                .body("errors[0].field", equalTo("escalationPolicies[0].levels[0].receivers[0]"));
    }

    @Test
    void silenceEndingBeforeItStartsIsRejected() {
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("matchers", List.of("service=x"), "startsAt", "2030-01-02T00:00:00Z",
                        "endsAt", "2030-01-01T00:00:00Z"))
                .post("/api/v1/silences").then().statusCode(400).body("errors[0].field", equalTo("endsAt"));
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("matchers", List.of("service"), "endsAt", "2030-01-01T00:00:00Z"))
                .post("/api/v1/silences").then().statusCode(400).body("errors[0].field", equalTo("matchers[0]"));
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body("[{\"labels\":{}}]")
                .post("/api/v2/alerts").then().statusCode(400).body("errors[0].field", equalTo("[0].labels"));
    }

    /** A1: regexes RE2 cannot run in linear time, or longer than the bound, are a 400 naming the field everywhere. */
    @Test
    void regexesRe2CannotExpressOrTooLongAreRejectedEverywhere() {
        ruleRejected(rule("matchers", List.of("service=x", "endpoint=~(a)\\1")), "matchers[1]");
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("matchers", List.of("service=~a(?=b)"), "endsAt", "2030-01-01T00:00:00Z"))
                .post("/api/v1/silences").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("matchers[0]"));
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(Map.of("matchers", List.of(Map.of("name", "service", "value", "a".repeat(1025), "isRegex", true)),
                        "startsAt", "2029-01-01T00:00:00Z", "endsAt", "2030-01-01T00:00:00Z"))
                .post("/api/v2/silences").then().statusCode(400).body("errors[0].field", equalTo("matchers[0]"));
        Map<String, Object> hook = Map.of("name", "hook", "type", "webhook", "url", "http://127.0.0.1:1/x");
        AlertApi.putRouting(Map.of("receivers", List.of(hook), "route", Map.of("receiver", "hook"), "inhibitRules",
                List.of(Map.of("sourceMatchers", List.of("severity=~(?<!x)critical"), "targetMatchers", List.of(),
                        "equal", List.of())))).statusCode(400)
                .body("errors[0].field", equalTo("inhibitRules[0].sourceMatchers[0]"));
        AlertApi.putRouting(Map.of("receivers", List.of(hook), "route", Map.of("receiver", "hook", "routes",
                List.of(Map.of("matchers", List.of("team=~(x)\\1")))))).statusCode(400)
                .body("errors[0].field", equalTo("route.routes[0].matchers[0]"));
        given().header("Authorization", ApiKeys.READER).queryParam("filter", "alertname=~(a)\\1")
                .get("/api/v2/alerts").then().statusCode(400).body("errors[0].field", equalTo("filter[0]"));
        // the pattern is accepted and answered at once (RE2/J: linear time)
        given().header("Authorization", ApiKeys.READER).queryParam("filter", "alertname=~" + ".*".repeat(24) + "x")
                .get("/api/v2/alerts").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'alert evaluation' }.status", equalTo("UP"));
    }

    @Test
    void rolesAreEnforced() {
        given().contentType(ContentType.JSON).body(AlertApi.metricsRule("r", "x", "p95Ms > 1", 0, 0))
                .put("/api/v1/rules/r").then().statusCode(401);
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(AlertApi.metricsRule("r", "x", "p95Ms > 1", 0, 0)).put("/api/v1/rules/r").then().statusCode(403);
        given().header("Authorization", ApiKeys.READER).contentType(ContentType.JSON).body("[]")
                .post("/api/v2/alerts").then().statusCode(403);
        // a test alert reaches every receiver (pages people): admin only
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(Map.of("alertname", "t"))
                .post("/api/v1/alerts/test").then().statusCode(403);
    }

    @Test
    void summaryWindowIsBounded() {
        given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/summary?windowMs=" + 10L * 365 * 86_400_000)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("windowMs"));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/summary?windowMs=0").then().statusCode(400);
        given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/summary?windowMs=60000").then()
                .statusCode(200);
    }
}
