package io.vigil.queue;

import static io.restassured.RestAssured.given;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.sleep;
import static org.assertj.core.api.Assertions.assertThat;

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
        createQueue("restart", Map.of());
        String before = enqueue("restart", Map.of("payload", Map.of("n", 1)));
        RedisServerResource.server().kill();
        try {
            int status = 0;
            for (int i = 0; i < 50 && status != 503; i++) {
                status = given().get("/q/health/ready").statusCode();
                sleep(100);
            }
            assertThat(status).isEqualTo(503);
            given().contentType("application/json").header("Authorization", io.vigil.testing.ApiKeys.WRITER)
                    .body(Map.of("payload", Map.of())).post("/api/v1/queues/restart/jobs").then()
                    .statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(500));
        } finally {
            RedisServerResource.server().start();
        }
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            status = given().get("/q/health/ready").statusCode();
            sleep(100);
        }
        assertThat(status).isEqualTo(200);
        String after = enqueue("restart", Map.of("payload", Map.of("n", 2)));
        List<Map<String, Object>> leased = lease("restart", 2, 0);
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(before, after);
    }
}
