package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Bad input gets a 4xx problem+json and changes nothing. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class BadInputTest {

    private static final String PROBLEM = "application/problem+json";

    @BeforeEach
    void queue() {
        as(ApiKeys.ADMIN).body(Map.of()).put("/api/v1/queues/bad");
        as(ApiKeys.ADMIN).delete("/api/v1/queues/bad/jobs?state=waiting");
    }

    @Test
    void unknownQueueIs404() {
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of())).post("/api/v1/queues/nope/jobs").then()
                .statusCode(404).contentType(PROBLEM);
        as(ApiKeys.WRITER).body(Map.of("count", 1)).post("/api/v1/queues/nope/lease").then().statusCode(404)
                .contentType(PROBLEM);
        as(ApiKeys.READER).get("/api/v1/queues/nope/stats").then().statusCode(404).contentType(PROBLEM);
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of())).post("/api/v1/queues/Bad.Name/jobs").then()
                .statusCode(400).contentType(PROBLEM);
    }

    @Test
    void oversizedPayloadIs413AndNothingIsEnqueued() {
        String big = "x".repeat(300 * 1024);
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of("blob", big))).post("/api/v1/queues/bad/jobs").then()
                .statusCode(413).contentType(PROBLEM);
        assertThat(stats("bad").getInt("depth.waiting")).isZero();
    }

    @Test
    void badPriorityNegativeDelayAndMissingPayloadAre400() {
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of(), "priority", "asap")).post("/api/v1/queues/bad/jobs")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("priority"));
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of(), "priority", 2_000_000)).post("/api/v1/queues/bad/jobs")
                .then().statusCode(400).contentType(PROBLEM);
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of(), "delayMs", -5)).post("/api/v1/queues/bad/jobs")
                .then().statusCode(400).contentType(PROBLEM);
        as(ApiKeys.WRITER).body(Map.of("priority", "high")).post("/api/v1/queues/bad/jobs")
                .then().statusCode(400).contentType(PROBLEM);
        as(ApiKeys.WRITER).body("{not json").post("/api/v1/queues/bad/jobs").then().statusCode(400);
        // one bad job in a batch: the whole batch is refused
        as(ApiKeys.WRITER).body(Map.of("jobs", java.util.List.of(Map.of("payload", Map.of()),
                Map.of("payload", Map.of(), "priority", "nope")))).post("/api/v1/queues/bad/jobs/batch")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("jobs[1].priority"));
        as(ApiKeys.WRITER).body(Map.of("count", 0)).post("/api/v1/queues/bad/lease").then().statusCode(400)
                .contentType(PROBLEM);
        assertThat(stats("bad").getInt("depth.waiting")).isZero();
    }

    @Test
    void staleOrUnknownTokenIs409AndTheLeaseIsUntouched() {
        createQueueIfNeeded();
        String id = enqueue("bad", Map.of("payload", Map.of()));
        Map<String, Object> leased = lease("bad", 1, 0).get(0);
        as(ApiKeys.WRITER).body(Map.of("token", "forged")).post("/api/v1/queues/bad/jobs/" + id + "/ack").then()
                .statusCode(409).contentType(PROBLEM);
        as(ApiKeys.WRITER).body(Map.of("token", "forged", "error", "x")).post("/api/v1/queues/bad/jobs/" + id + "/nack")
                .then().statusCode(409).contentType(PROBLEM);
        as(ApiKeys.WRITER).body(Map.of("token", "forged")).post("/api/v1/queues/bad/jobs/999999/ack").then()
                .statusCode(404).contentType(PROBLEM);
        assertThat(stats("bad").getInt("depth.active")).isEqualTo(1);
        as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"))).post("/api/v1/queues/bad/jobs/" + id + "/ack")
                .then().statusCode(200).body("status", equalTo("completed"));
    }

    @Test
    void badQueueSettingsAre400() {
        as(ApiKeys.ADMIN).body(Map.of("maxAttempts", 0)).put("/api/v1/queues/bad").then().statusCode(400)
                .contentType(PROBLEM);
        as(ApiKeys.ADMIN).body(Map.of("backoff", "random")).put("/api/v1/queues/bad").then().statusCode(400)
                .contentType(PROBLEM);
    }

    private void createQueueIfNeeded() {
        if (as(ApiKeys.READER).get("/api/v1/queues/bad").statusCode() == 404) {
            createQueue("bad", Map.of());
        }
    }
}
