package io.vigil.queue;

import static io.restassured.RestAssured.given;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServerResource;

/** Redis restarts (AOF-persistent): readiness goes 503, then the service recovers on its own, data intact. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RedisRestartTest {

    @Test
    void readinessFailsWhileRedisIsDownAndTheServiceRecoversWithoutRestart() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the single redis-server; on Redis Cluster failover is ClusterFailoverIT's");
        createQueue("restart", Map.of());
        String before = enqueue("restart", Map.of("payload", Map.of("n", 1)));
        RedisServerResource.server().kill();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/health/ready").statusCode() == 503);
            given().contentType("application/json").header("Authorization", io.vigil.testing.ApiKeys.WRITER)
                    .body(Map.of("payload", Map.of())).post("/api/v1/queues/restart/jobs").then()
                    .statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(500));
        } finally {
            RedisServerResource.server().start();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        String after = enqueue("restart", Map.of("payload", Map.of("n", 2)));
        List<Map<String, Object>> leased = lease("restart", 2, 0);
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(before, after);
    }
}
