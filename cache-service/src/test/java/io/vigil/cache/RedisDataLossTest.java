package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;
import io.vigil.testing.VolatileRedisResource;

/**
 * A Redis that comes back empty (no persistence) has lost the invalidation stream: the replica cannot know what it
 * missed, so it clears the namespace's L1 instead of serving what it held.
 */
@QuarkusTest
@QuarkusTestResource(value = VolatileRedisResource.class, restrictToAnnotatedClass = true)
class RedisDataLossTest {

    @Test
    void lostStreamClearsL1() {
        assumeFalse(RedisServerResource.clusterMode(),
                "restarts one redis-server empty; a cluster loses one master at a time (failover)");
        String path = "/api/v1/cache/default/entries/lost-1";
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("held").put(path).then()
                .statusCode(200);
        await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(path).header("X-Cache")));
        int clearsBefore = given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                .path("l1Clears");

        VolatileRedisResource.server().kill();
        await(() -> given().get("/q/health/ready").statusCode() == 503);
        VolatileRedisResource.server().start();
        await(() -> given().get("/q/health/ready").statusCode() == 200);
        await(() -> Boolean.TRUE.equals(given().header("Authorization", ApiKeys.READER)
                .get("/api/v1/cache/coherence").path("connected")));

        int clearsAfter = given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                .path("l1Clears");
        assertThat(clearsAfter).isGreaterThan(clearsBefore);
        // Redis no longer has the value, and neither does L1: no stale "held"
        given().header("Authorization", ApiKeys.READER).get(path).then().statusCode(404);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition met in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
