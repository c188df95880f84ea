package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServer;
import io.vigil.testing.RedisServerResource;

/** dependsOn (one incident, one alert) and maintenance windows (no events while they last). */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class DependencyTest {

    @Inject
    RedisDataSource redis;

    final Api api = new Api();

    @Test
    void aStoppedParentMakesItsChildrenUnreachableWithExactlyOneTransition() {
        try (RedisServer parentRedis = new RedisServer(false).start(); Stub stub = new Stub()) {
            api.createTarget(Map.of("name", "dep-db", "type", "redis", "url", parentRedis.url(), "group", "shop",
                    "intervalMs", 500, "timeoutMs", 500, "failureThreshold", 1, "successThreshold", 1));
            for (String child : List.of("dep-api", "dep-web")) {
                // 1 s (timeout = interval): a check timed out on a busy machine right after the parent recovers
                // would count as a second failure of dep-api.
                Map<String, Object> t = Api.http(child, stub.url("/" + child), 1000);
                t.put("dependsOn", List.of("dep-db"));
                t.put("group", "shop");
                t.put("failureThreshold", 2);
                api.createTarget(t);
            }
            for (String t : List.of("dep-db", "dep-api", "dep-web")) {
                Await.until(t + " UP", 15_000, () -> api.state(t).equals("UP"));
            }

            // The database stops; both services behind it fail with it.
            parentRedis.kill();
            stub.answer("/dep-api", 503).answer("/dep-web", 503);
            Await.until("parent DOWN", 10_000, () -> api.state("dep-db").equals("DOWN"));
            for (String child : List.of("dep-api", "dep-web")) {
                Await.until(child + " UNREACHABLE", 10_000, () -> api.state(child).equals("UNREACHABLE"));
            }
            JsonPath status = api.status();
            assertThat(status.getList("targets.find { it.name == 'dep-api' }.blockedBy")).containsExactly("dep-db");
            assertThat(status.getString("groups.find { it.name == 'shop' }.status")).isEqualTo("DOWN");
            assertThat(status.getString("overall")).isEqualTo("DOWN");
            assertThat(status.getList("reasons", String.class)).anyMatch(r -> r.startsWith("dep-db is DOWN"));
            int checks = stub.count("/dep-api");
            Await.until("children keep being checked", 10_000, () -> stub.count("/dep-api") >= checks + 4);

            // One incident, one alert: only the parent published.
            assertThat(Events.changes(redis, "dep-db")).containsExactly("UNKNOWN->UP", "UP->DOWN");
            assertThat(Events.changes(redis, "dep-api")).containsExactly("UNKNOWN->UP");
            assertThat(Events.changes(redis, "dep-web")).containsExactly("UNKNOWN->UP");
            // Unreachable time is marked in the history (and left out of uptime).
            Await.until("blocked results stored", 5_000, () -> api.as(ApiKeys.READER)
                    .get("/api/v1/targets/dep-api/history").then().extract().jsonPath()
                    .getList("items.findAll { it.blocked == true }").size() > 0);

            // The parent recovers; one child is fine, the other still fails on its own.
            stub.answer("/dep-api", 200);
            parentRedis.start();
            Await.until("parent UP", 15_000, () -> api.state("dep-db").equals("UP"));
            Await.until("dep-api UP", 10_000, () -> api.state("dep-api").equals("UP"));
            Await.until("dep-web DOWN on its own", 10_000, () -> api.state("dep-web").equals("DOWN"));
            Await.until("dep-web's catch-up transition", 10_000,
                    () -> Events.changes(redis, "dep-web").size() == 2);
            assertThat(Events.changes(redis, "dep-web")).containsExactly("UNKNOWN->UP", "UP->DOWN");
            assertThat(Events.changes(redis, "dep-api")).containsExactly("UNKNOWN->UP");
            assertThat(Events.changes(redis, "dep-db")).containsExactly("UNKNOWN->UP", "UP->DOWN", "DOWN->UP");
            Events.Event catchUp = Events.of(redis, "dep-web").get(1);
            assertThat(catchUp.payload().get("dependsOn").get(0).asText()).isEqualTo("dep-db");
        } finally {
            api.deleteTarget("dep-api");
            api.deleteTarget("dep-web");
            api.deleteTarget("dep-db");
        }
    }

    @Test
    void aChildsEarlyCheckOfItsParentDoesNotCountTowardTheParentsThresholds() {
        try (Stub stub = new Stub()) {
            // The parent's own checks are 20 s apart and it goes DOWN after two failures: 20 s at least.
            Map<String, Object> parent = Api.http("peek-db", stub.url("/peek-db"), 20_000);
            parent.put("failureThreshold", 2);
            api.createTarget(parent);
            Await.until("parent UP", 15_000, () -> api.state("peek-db").equals("UP"));
            for (String child : List.of("peek-a", "peek-b")) {
                Map<String, Object> t = Api.http(child, stub.url("/" + child), 1000);
                t.put("dependsOn", List.of("peek-db"));
                api.createTarget(t);
            }
            int parentChecks = stub.count("/peek-db");
            stub.answer("/peek-db", 503).answer("/peek-a", 503).answer("/peek-b", 503);
            // The failing children check the parent early, again and again: it fails every time.
            Await.until("children checked the parent early", 15_000, () -> stub.count("/peek-db") >= parentChecks + 4);
            Await.until("children UNREACHABLE", 10_000, () -> api.state("peek-a").equals("UNREACHABLE")
                    && api.state("peek-b").equals("UNREACHABLE"));
            assertThat(api.as(ApiKeys.READER).get("/api/v1/status/targets/peek-db").then().extract().jsonPath()
                    .getString("ownState")).as("early checks are no threshold steps").isEqualTo("UP");
            assertThat(Events.changes(redis, "peek-db")).containsExactly("UNKNOWN->UP");
            assertThat(Events.changes(redis, "peek-a")).doesNotContain("UP->DOWN");
        } finally {
            for (String t : List.of("peek-a", "peek-b", "peek-db")) {
                api.deleteTarget(t);
            }
        }
    }

    @Test
    void aMaintenanceWindowMutesTransitionsUntilItEnds() {
        try (Stub stub = new Stub()) {
            api.createTarget(Api.http("mw-api", stub.url("/mw"), 300));
            Await.until("UP", 10_000, () -> api.state("mw-api").equals("UP"));
            String id = api.as(ApiKeys.ADMIN).body(Map.of("title", "Upgrade", "targets", List.of("mw-api"),
                    "durationMs", 600_000)).post("/api/v1/maintenance").then().statusCode(201).extract().path("id");
            stub.answer("/mw", 503);
            Await.until("DOWN", 10_000, () -> api.state("mw-api").equals("DOWN"));
            api.as(ApiKeys.READER).get("/api/v1/status/targets/mw-api").then()
                    .body("maintenance", org.hamcrest.Matchers.equalTo(true));
            int checks = stub.count("/mw");
            Await.until("more checks", 10_000, () -> stub.count("/mw") >= checks + 4);
            assertThat(Events.changes(redis, "mw-api")).containsExactly("UNKNOWN->UP");

            api.as(ApiKeys.ADMIN).delete("/api/v1/maintenance/" + id).then().statusCode(200);
            Await.until("the state the target is in is published once the window ends", 10_000,
                    () -> Events.changes(redis, "mw-api").size() == 2);
            int after = stub.count("/mw");
            Await.until("more checks", 10_000, () -> stub.count("/mw") >= after + 4);
            assertThat(Events.changes(redis, "mw-api")).containsExactly("UNKNOWN->UP", "UP->DOWN");
            api.deleteTarget("mw-api");
        }
    }
}
