package io.vigil.common;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServer;
import io.vigil.testing.RedisServerResource;

/** Kubernetes semantics: an unreachable Redis makes a pod unready (no traffic) but never kills it (still live). */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RedisOutageTest {

    @Test
    void readinessFollowsRedisWhileLivenessStaysUp() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the single redis-server; on Redis Cluster failover is ClusterFailoverIT's");
        RedisServer redis = RedisServerResource.server();
        given().get("/q/health/ready").then().statusCode(200);

        redis.kill();
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 503);
        given().get("/q/health/live").then().statusCode(200);

        redis.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
