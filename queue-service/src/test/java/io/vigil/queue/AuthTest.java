package io.vigil.queue;

import static io.restassured.RestAssured.given;
import static io.vigil.queue.QueueApi.as;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** reader = GET, writer = enqueue/lease/ack/nack/extend/cancel/retry-dead, admin = queue config, purge, delete. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class AuthTest {

    @Test
    void rolesAreEnforced() {
        given().contentType(ContentType.JSON).body(Map.of("payload", Map.of()))
                .post("/api/v1/queues/notifications/jobs").then().statusCode(401);
        given().get("/api/v1/queues").then().statusCode(401);
        as(ApiKeys.READER).get("/api/v1/queues").then().statusCode(200);
        as(ApiKeys.READER).body(Map.of("payload", Map.of())).post("/api/v1/queues/notifications/jobs").then()
                .statusCode(403);
        as(ApiKeys.READER).body(Map.of("count", 1)).post("/api/v1/queues/notifications/lease").then().statusCode(403);
        as(ApiKeys.WRITER).body(Map.of("maxAttempts", 2)).put("/api/v1/queues/authq").then().statusCode(403);
        as(ApiKeys.ADMIN).body(Map.of("maxAttempts", 2)).put("/api/v1/queues/authq").then().statusCode(201);
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of())).post("/api/v1/queues/authq/jobs").then().statusCode(201);
        as(ApiKeys.WRITER).delete("/api/v1/queues/authq").then().statusCode(403);
        // retrying every dead job is a writer's action, like retrying one
        as(ApiKeys.READER).post("/api/v1/queues/authq/dead/retry").then().statusCode(403);
        as(ApiKeys.WRITER).post("/api/v1/queues/authq/dead/retry").then().statusCode(200)
                .body("retried", org.hamcrest.Matchers.equalTo(0));
        as(ApiKeys.ADMIN).delete("/api/v1/queues/authq").then().statusCode(204);
        as(ApiKeys.READER).get("/api/v1/queues/authq").then().statusCode(404);
        given().header("Authorization", "Bearer wrong").get("/api/v1/queues").then().statusCode(401);
    }
}
