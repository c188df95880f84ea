package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vigil.cache.store.CacheKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * {@code GET /api/v1/cache/jobs}: the recent jobs of every namespace (or one), newest first, paged, with their state
 * and progress, so the console lists jobs other people started; a job whose record expired leaves the list.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class JobListingTest {

    static final String NS = "joblist";

    @Inject
    RedisDataSource redis;

    @Test
    void recentJobsArePagedNewestFirstWithTheirProgress() {
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("maxTtlMs", 600000)).put("/api/v1/cache/namespaces/" + NS).then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(Map.of("key", "user:" + i, "value", i));
        }
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("entries", entries)).post("/api/v1/cache/" + NS + "/bulk/put").then().statusCode(200);
        List<String> ids = new ArrayList<>();
        for (String pattern : List.of("user:1*", "user:2*", "user:3*")) {
            ids.add(given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                    .body(Map.of("pattern", pattern)).post("/api/v1/cache/" + NS + "/invalidate").then()
                    .statusCode(202).extract().path("id"));
        }

        // Two per page, newest first: the last job started, then the one before; the first one on page two.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonPath page = jobs("limit=2");
            assertThat(page.getList("jobs.id")).containsExactly(ids.get(2), ids.get(1));
            assertThat(page.getList("jobs.state")).containsOnly("done");
            assertThat(page.getInt("total")).isEqualTo(3);
            assertThat(page.getString("jobs[0].namespace")).isEqualTo(NS);
            assertThat(page.getString("jobs[0].kind")).isEqualTo("invalidate-pattern");
            assertThat(page.getLong("jobs[0].done")).as("user:3 only").isEqualTo(1);
        });
        String cursor = jobs("limit=2").getString("nextCursor");
        JsonPath second = jobs("limit=2&cursor=" + cursor);
        assertThat(second.getList("jobs.id")).containsExactly(ids.get(0));
        assertThat(second.getString("nextCursor")).isNull();

        // Every namespace's jobs without the filter (this one's among them).
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/jobs?limit=500").then().statusCode(200)
                .body("jobs.id", org.hamcrest.Matchers.hasItems(ids.toArray()));

        // A job whose record expired (retention) leaves the list and the index.
        redis.key().del(CacheKeys.job(NS, ids.get(1)));
        assertThat(jobs("limit=10").getList("jobs.id")).containsExactly(ids.get(2), ids.get(0));
        assertThat(redis.sortedSet(String.class).zscore(CacheKeys.JOBS, NS + "/" + ids.get(1))).isEmpty();
        assertThat(jobs("limit=10").getInt("total")).isEqualTo(2);

        given().get("/api/v1/cache/jobs").then().statusCode(401);
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/jobs?limit=0").then().statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/jobs?cursor=nope!").then()
                .statusCode(400).body("status", equalTo(400));
        given().header("Authorization", ApiKeys.READER).queryParam("namespace", "Bad{ns}").get("/api/v1/cache/jobs").then()
                .statusCode(400);
    }

    private static JsonPath jobs(String query) {
        return given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/jobs?namespace=" + NS + "&" + query)
                .then().statusCode(200).extract().jsonPath();
    }
}
