package io.vigil.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.health.domain.CheckResult;
import io.vigil.health.domain.State;
import io.vigil.health.schedule.RetentionJob;
import io.vigil.health.store.ResultStore;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Targets, incidents and maintenance through the API: CRUD, roles, and every kind of bad input as a 400 naming the field. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class TargetApiTest {

    final Api api = new Api();

    @Test
    void adminCreatesReadsReplacesAndDeletesATarget() {
        Map<String, Object> t = Api.http("crud-api", "http://127.0.0.1:9/health", 10_000);
        t.put("conditions", List.of("[STATUS] == any(200, 204)", "[BODY].status == UP"));
        t.put("softConditions", List.of("[RESPONSE_TIME] < 300"));
        t.put("group", "checkout");
        t.put("labels", Map.of("team", "payments"));
        api.createTarget(t);
        api.as(ApiKeys.READER).get("/api/v1/targets/crud-api").then().statusCode(200)
                .body("source", equalTo("api")).body("group", equalTo("checkout"))
                .body("conditions[1]", equalTo("[BODY].status == UP")).body("labels.team", equalTo("payments"))
                .body("method", equalTo("GET"));
        api.as(ApiKeys.ADMIN).body(t).post("/api/v1/targets").then().statusCode(409);
        t.put("intervalMs", 20_000);
        api.as(ApiKeys.ADMIN).body(t).put("/api/v1/targets/crud-api").then().statusCode(200)
                .body("intervalMs", equalTo(20_000));
        api.as(ApiKeys.READER).get("/api/v1/targets").then().statusCode(200).body("name", hasItem("crud-api"));
        api.as(ApiKeys.READER).get("/api/v1/status/targets/crud-api").then().statusCode(200)
                .body("group", equalTo("checkout"));
        api.as(ApiKeys.ADMIN).delete("/api/v1/targets/crud-api").then().statusCode(204);
        api.as(ApiKeys.READER).get("/api/v1/targets/crud-api").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    void rolesAreEnforced() {
        Map<String, Object> t = Api.http("roles-api", "http://127.0.0.1:9/", 10_000);
        given().contentType("application/json").body(t).post("/api/v1/targets").then().statusCode(401);
        api.as(ApiKeys.WRITER).body(t).post("/api/v1/targets").then().statusCode(403);
        given().get("/api/v1/status").then().statusCode(401);
        api.as(ApiKeys.READER).get("/api/v1/status").then().statusCode(200);
        // The page data and badges are public, like the probes.
        given().get("/api/v1/page").then().statusCode(200);
        given().get("/").then().statusCode(200).contentType(containsString("text/html"));
    }

    @Test
    void secretsAreShownToAdminsOnlyAndNeverOnThePublicPage() {
        try (Stub stub = new Stub()) {
            stub.answer("/secret", 200, "{\"status\":\"orders-db.internal:5432 unreachable\"}", 0);
            String port = stub.url("").replaceAll(".*:", "");
            Map<String, Object> t = Api.http("secret-api", "http://ops:s3cretpw@127.0.0.1:" + port
                    + "/secret?token=tok3n", 10_000);
            t.put("headers", Map.of("Authorization", "Bearer b3arer", "X-Api-Key", "k3y"));
            t.put("method", "POST");
            t.put("body", "{\"password\":\"b0dy\"}");
            t.put("conditions", List.of("[BODY].status == UP"));
            t.put("intervalMs", 1000);
            api.createTarget(t);
            for (String key : List.of(ApiKeys.READER, ApiKeys.WRITER)) {
                for (String path : List.of("/api/v1/targets", "/api/v1/targets/secret-api")) {
                    String shown = api.as(key).get(path).then().statusCode(200).extract().asString();
                    assertThat(shown).as(key + " " + path).contains("secret-api")
                            .doesNotContain("s3cretpw", "tok3n", "b3arer", "k3y", "b0dy")
                            .contains("http://<secret>@127.0.0.1:" + port + "/secret?token=<secret>");
                }
            }
            api.as(ApiKeys.READER).get("/api/v1/targets/secret-api").then()
                    .body("headers.Authorization", equalTo("<secret>")).body("body", equalTo("<secret>"));
            // The admin reads back what it saved (a PUT replaces the whole target).
            api.as(ApiKeys.ADMIN).get("/api/v1/targets/secret-api").then().statusCode(200)
                    .body("url", containsString("ops:s3cretpw@")).body("headers.Authorization", equalTo("Bearer b3arer"))
                    .body("body", containsString("b0dy"));

            // The check fails on a body that names an internal host: readers see it, the public page does not.
            Await.until("DOWN with the body in its reason", 15_000, () -> api.as(ApiKeys.READER)
                    .get("/api/v1/status/targets/secret-api").then().extract().jsonPath().getString("reason")
                    .contains("orders-db.internal"));
            Await.until("the page shows the failure", 15_000, () -> given().get("/api/v1/page").then().extract()
                    .asString().contains("[BODY].status == UP (got <hidden>)"));
            String page = given().get("/api/v1/page").then().statusCode(200).extract().asString();
            assertThat(page).doesNotContain("orders-db.internal", "s3cretpw", "tok3n", "b3arer");
            assertThat(given().get("/api/v1/badges/secret-api").then().statusCode(200).extract().asString())
                    .doesNotContain("orders-db.internal");
        } finally {
            api.deleteTarget("secret-api");
        }
    }

    @Test
    void badInputIsA400NamingTheField() {
        Map<String, Object> t = Api.http("bad-api", "http://127.0.0.1:9/", 10_000);
        t.put("conditions", List.of("[STATUS] == 200", "[STATUS] =! 200"));
        rejected(t, "conditions[1]", "[STATUS] =! 200");

        t = Api.http("bad-api", "http://127.0.0.1:9/", 10_000);
        t.put("softConditions", List.of("[RESPONSE_TYME] < 300"));
        rejected(t, "softConditions[0]", "unknown placeholder");

        t = Api.http("bad-api", "http://127.0.0.1:9/", 10_000);
        t.put("type", "gopher");
        rejected(t, "type", "gopher");

        rejected(Api.http("bad-api", "http://127.0.0.1:9/", 100), "intervalMs", "at least");

        rejected(Api.http("bad-api", "http://no-such-host.invalid/health", 10_000), "url", "does not resolve");

        rejected(Api.http("bad-api", "redis://127.0.0.1:6379", 10_000), "url", "http or https");

        t = Api.http("bad-api", "http://127.0.0.1:9/", 10_000);
        t.put("dependsOn", List.of("nobody"));
        rejected(t, "dependsOn[0]", "unknown target");

        t = Api.http("bad-api", "http://127.0.0.1:9/", 10_000);
        t.put("timeoutMs", 20_000);
        rejected(t, "timeoutMs", "interval");

        t = Api.http("bad api", "http://127.0.0.1:9/", 10_000);
        rejected(t, "name", "letters");

        api.as(ApiKeys.READER).get("/api/v1/targets/bad-api").then().statusCode(404);
        api.as(ApiKeys.ADMIN).body("{\"name\": ").post("/api/v1/targets").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    void dependencyCyclesAreRefused() {
        api.createTarget(Api.http("cycle-a", "http://127.0.0.1:9/", 10_000));
        Map<String, Object> b = Api.http("cycle-b", "http://127.0.0.1:9/", 10_000);
        b.put("dependsOn", List.of("cycle-a"));
        api.createTarget(b);
        Map<String, Object> a = Api.http("cycle-a", "http://127.0.0.1:9/", 10_000);
        a.put("dependsOn", List.of("cycle-b"));
        api.as(ApiKeys.ADMIN).body(a).put("/api/v1/targets/cycle-a").then().statusCode(400)
                .body("errors[0].field", equalTo("dependsOn"));
        // A parent with children cannot be deleted.
        api.as(ApiKeys.ADMIN).delete("/api/v1/targets/cycle-a").then().statusCode(409);
        api.deleteTarget("cycle-b");
        api.deleteTarget("cycle-a");
    }

    @Test
    void incidentsOpenGetUpdatesAndResolve() {
        api.createTarget(Api.http("inc-target", "http://127.0.0.1:9/", 10_000));
        String id = api.as(ApiKeys.ADMIN).body(Map.of("title", "Checkout errors", "message", "Looking into it",
                "severity", "major", "targets", List.of("inc-target"))).post("/api/v1/incidents").then()
                .statusCode(201).body("status", equalTo("investigating")).extract().path("id");
        api.as(ApiKeys.ADMIN).body(Map.of("message", "Bad deploy found", "status", "identified"))
                .post("/api/v1/incidents/" + id + "/updates").then().statusCode(200)
                .body("status", equalTo("identified")).body("updates.size()", equalTo(2));
        api.as(ApiKeys.READER).queryParam("status", "open").get("/api/v1/incidents").then().statusCode(200)
                .body("id", hasItem(id));
        api.as(ApiKeys.ADMIN).body(Map.of("message", "Rolled back")).post("/api/v1/incidents/" + id + "/resolve")
                .then().statusCode(200).body("status", equalTo("resolved")).body("resolvedAt", org.hamcrest.Matchers.notNullValue());
        api.as(ApiKeys.READER).queryParam("status", "resolved").get("/api/v1/incidents").then().body("id", hasItem(id));
        api.as(ApiKeys.ADMIN).body(Map.of("message", "again")).post("/api/v1/incidents/" + id + "/updates").then()
                .statusCode(409);
        api.as(ApiKeys.ADMIN).body(Map.of("title", "x", "severity", "apocalyptic")).post("/api/v1/incidents").then()
                .statusCode(400).body("errors[0].field", equalTo("severity"));
        api.as(ApiKeys.ADMIN).body(Map.of("title", "x", "targets", List.of("inc-target", "ghost")))
                .post("/api/v1/incidents").then().statusCode(400).body("errors[0].field", equalTo("targets[1]"));
        api.deleteTarget("inc-target");
    }

    @Test
    void maintenanceWindowsAreListedAndEnded() {
        api.createTarget(Api.http("mw-target", "http://127.0.0.1:9/", 10_000));
        String id = api.as(ApiKeys.ADMIN).body(Map.of("title", "DB upgrade", "targets", List.of("mw-target"),
                "durationMs", 3_600_000)).post("/api/v1/maintenance").then().statusCode(201).extract().path("id");
        api.as(ApiKeys.READER).queryParam("active", true).get("/api/v1/maintenance").then().body("id", hasItem(id));
        api.as(ApiKeys.ADMIN).delete("/api/v1/maintenance/" + id).then().statusCode(200);
        api.as(ApiKeys.READER).queryParam("active", true).get("/api/v1/maintenance").then()
                .body("id", org.hamcrest.Matchers.not(hasItem(id)));
        api.as(ApiKeys.READER).get("/api/v1/maintenance").then().body("id", hasItem(id));
        api.as(ApiKeys.ADMIN).body(Map.of("title", "x", "targets", List.of("mw-target"))).post("/api/v1/maintenance")
                .then().statusCode(400).body("errors[0].field", equalTo("endsAt"));
        api.deleteTarget("mw-target");
    }

    @Inject
    ResultStore results;

    @Inject
    RetentionJob retention;

    @Test
    void resultsPastTheirRetentionArePurged() {
        long now = System.currentTimeMillis();
        long eightDaysAgo = now - 8L * 86_400_000;
        results.add(new CheckResult("purge-me", "default", eightDaysAgo, State.UP, 5, null, false, false));
        results.add(new CheckResult("purge-me", "default", now - 60_000, State.DOWN, 7, "x", false, false));
        results.flush();
        assertThat(results.history("purge-me", 0, now + 1, 10)).hasSize(2);
        retention.purgeNow();
        assertThat(results.history("purge-me", 0, now + 1, 10)).extracting(CheckResult::outcome)
                .containsExactly(State.DOWN);
    }

    @Test
    void uptimeIsAggregatedOverTheWindowsThatExist() {
        api.createTarget(Api.http("uptime-api", "http://127.0.0.1:9/", 60_000));
        try {
            long now = System.currentTimeMillis();
            // 10 counted results in the last hour: latencies 1..10 ms, 2 of them DOWN; plus one UNREACHABLE and one
            // in maintenance (left out), one 2 h old, and one 8 days old (past the 7 d the results are kept).
            for (int i = 1; i <= 10; i++) {
                results.add(new CheckResult("uptime-api", "default", now - i * 60_000L, i <= 2 ? State.DOWN : State.UP,
                        i, null, false, false));
            }
            results.add(new CheckResult("uptime-api", "default", now - 30_000, State.DOWN, 900, "x", true, false));
            results.add(new CheckResult("uptime-api", "default", now - 40_000, State.DOWN, 900, "x", false, true));
            results.add(new CheckResult("uptime-api", "default", now - 7_200_000, State.UP, 50, null, false, false));
            results.add(new CheckResult("uptime-api", "default", now - 8L * 86_400_000, State.DOWN, 70, "x", false, false));
            results.flush();
            io.restassured.path.json.JsonPath uptime = api.as(ApiKeys.READER).get("/api/v1/targets/uptime-api/uptime")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(uptime.getList("window")).containsExactly("1h", "24h", "7d");
            assertThat(uptime.getLong("[0].checks")).isEqualTo(12);
            assertThat(uptime.getLong("[0].counted")).isEqualTo(10);
            assertThat(uptime.getDouble("[0].uptimePercent")).isEqualTo(80.0);
            assertThat(uptime.getLong("[0].p50Ms")).isEqualTo(5);
            assertThat(uptime.getLong("[0].p95Ms")).isEqualTo(10);
            assertThat(uptime.getLong("[1].counted")).isEqualTo(11);
            assertThat(uptime.getLong("[1].p99Ms")).isEqualTo(50);
            // "30d" of results kept 7 days does not exist: a 400 listing the windows that do.
            api.as(ApiKeys.READER).queryParam("window", "30d").get("/api/v1/targets/uptime-api/uptime").then()
                    .statusCode(400).contentType(containsString("application/problem+json"))
                    .body("errors[0].field", equalTo("window")).body("detail", containsString("15m, 1h, 6h, 24h, 7d"));
            api.as(ApiKeys.READER).queryParam("window", "30d").get("/api/v1/targets/uptime-api/history").then()
                    .statusCode(400);
            // Transitions are kept 90 days: their 30-day window exists.
            api.as(ApiKeys.READER).queryParam("window", "30d").get("/api/v1/transitions").then().statusCode(200);
        } finally {
            api.deleteTarget("uptime-api");
        }
    }

    @Test
    void aWrongJsonTypeIsA400NotA500() {
        api.as(ApiKeys.ADMIN).body("{\"name\":\"typed\",\"type\":\"http\",\"url\":\"http://127.0.0.1:9/\",\"intervalMs\":\"soon\"}")
                .post("/api/v1/targets").then().statusCode(400).contentType(containsString("application/problem+json"));
    }

    private void rejected(Map<String, Object> target, String field, String detail) {
        api.as(ApiKeys.ADMIN).body(target).post("/api/v1/targets").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo(field)).body("detail", containsString(detail));
    }
}
