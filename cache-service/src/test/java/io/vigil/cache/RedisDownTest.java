package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Redis down: what L1 holds is still served, marked stale; writes are refused with 503 and nothing changes; the
 * replica turns unready. Redis back: ready again by itself, the invalidation reader resynchronises, writes work.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RedisDownTest {

    static final String NS = "/api/v1/cache/default";

    @Test
    void readsFromL1MarkedStaleWritesRefusedThenRecovers() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the one redis-server; a cluster loses one master at a time (failover)");
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("before")
                .put(NS + "/entries/down-1").then().statusCode(200);
        await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1")
                .header("X-Cache")));

        RedisServerResource.server().kill();
        await(() -> given().get("/q/health/ready").statusCode() == 503);
        given().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1").then().statusCode(200)
                .body(equalTo("before")).header("X-Cache-Stale", "redis-unavailable");
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/never-cached").then().statusCode(503)
                .contentType("application/problem+json");
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("during")
                .put(NS + "/entries/down-1").then().statusCode(503).contentType("application/problem+json");

        RedisServerResource.server().start();
        await(() -> given().get("/q/health/ready").statusCode() == 200);
        await(() -> Boolean.TRUE.equals(given().header("Authorization", ApiKeys.READER)
                .get("/api/v1/cache/coherence").path("connected")));
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1").then().statusCode(200)
                .body(equalTo("before"));
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("after")
                .put(NS + "/entries/down-1").then().statusCode(200);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1").then().statusCode(200)
                .body(equalTo("after"));
        assertThat((Integer) given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                .path("resyncs")).isGreaterThanOrEqualTo(2);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition met in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
