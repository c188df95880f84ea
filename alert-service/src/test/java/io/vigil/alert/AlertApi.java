package io.vigil.alert;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vigil.testing.ApiKeys;

/** REST calls the tests share. */
final class AlertApi {

    static ValidatableResponse putRule(Map<String, Object> rule) {
        return given().header("Authorization", ApiKeys.ADMIN).contentType(ContentType.JSON).body(rule)
                .put("/api/v1/rules/" + rule.get("id")).then();
    }

    static ValidatableResponse putRouting(Map<String, Object> routing) {
        return given().header("Authorization", ApiKeys.ADMIN).contentType(ContentType.JSON).body(routing)
                .put("/api/v1/routing").then();
    }

    /** A routing with one webhook receiver at {@code url}, groups flushed at once and re-checked every 300 ms. */
    static Map<String, Object> webhookRouting(String url) {
        return Map.of("receivers", List.of(Map.of("name", "hook", "type", "webhook", "url", url)),
                "route", Map.of("receiver", "hook", "groupBy", List.of("alertname", "endpoint"), "groupWaitMs", 0,
                        "groupIntervalMs", 300, "repeatIntervalMs", 3_600_000));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alerts(String query) {
        return given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts" + query).then().statusCode(200)
                .extract().as(List.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> alert(String fp) {
        return given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/" + fp).then().statusCode(200)
                .extract().as(Map.class);
    }

    static Map<String, Object> one(String alertname) {
        return Poll.until(() -> alerts("?state=all").stream().filter(a -> alertname.equals(
                ((Map<?, ?>) a.get("labels")).get("alertname"))).findFirst().orElse(null), a -> a != null,
                java.time.Duration.ofSeconds(10), "alert " + alertname);
    }

    static Map<String, Object> metricsRule(String id, String service, String expr, long forMs, long keepMs) {
        return Map.of("id", id, "source", "metrics", "expr", expr, "matchers", List.of("service=" + service),
                "severity", "critical", "forMs", forMs, "keepFiringForMs", keepMs,
                "annotations", Map.of("summary", "{{ $labels.endpoint }} p95 is {{ $value }}ms"));
    }

    private AlertApi() {
    }
}
