package io.vigil.queue;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vigil.common.event.Streams;
import io.vigil.testing.ApiKeys;

/** Small REST helpers shared by the tests; each test works on its own queue. */
final class QueueApi {

    static RequestSpecification as(String key) {
        return given().header("Authorization", key).contentType(ContentType.JSON);
    }

    static void createQueue(String queue, Map<String, Object> settings) {
        as(ApiKeys.ADMIN).body(settings).put("/api/v1/queues/" + queue).then().statusCode(201);
    }

    static String enqueue(String queue, Map<String, Object> job) {
        return as(ApiKeys.WRITER).body(job).post("/api/v1/queues/" + queue + "/jobs").then().statusCode(201)
                .extract().path("id");
    }

    static List<Map<String, Object>> lease(String queue, int count, long waitMs) {
        return as(ApiKeys.WRITER).body(Map.of("count", count, "waitMs", waitMs))
                .post("/api/v1/queues/" + queue + "/lease").then().statusCode(200).extract().path("jobs");
    }

    static List<Map<String, Object>> lease(String queue, int count, long waitMs, long visibilityMs) {
        return as(ApiKeys.WRITER).body(Map.of("count", count, "waitMs", waitMs, "visibilityMs", visibilityMs))
                .post("/api/v1/queues/" + queue + "/lease").then().statusCode(200).extract().path("jobs");
    }

    static JsonPath job(String queue, String id) {
        return as(ApiKeys.READER).get("/api/v1/queues/" + queue + "/jobs/" + id).then().statusCode(200)
                .extract().jsonPath();
    }

    static JsonPath stats(String queue) {
        return as(ApiKeys.READER).get("/api/v1/queues/" + queue + "/stats").then().statusCode(200)
                .extract().jsonPath();
    }

    static int ack(String queue, Map<String, Object> leased) {
        return as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"), "result", Map.of("ok", true)))
                .post("/api/v1/queues/" + queue + "/jobs/" + leased.get("id") + "/ack").then().extract().statusCode();
    }

    /** Paces a load generator or backs off a retry loop in the process-level ITs; never used to wait for a state. */
    static void pace(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The value of one Prometheus sample line of /q/metrics (name and labels as printed), or -1 when absent. */
    static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    /** The events of one queue on vigil:events:queue, oldest first: field maps (id, type, payload, ...). */
    static List<Map<String, String>> events(RedisDataSource redis, String queue) {
        return redis.stream(String.class).xrange(Streams.QUEUE, StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload)
                .filter(f -> f.getOrDefault("payload", "").contains("\"queue\":\"" + queue + "\""))
                .toList();
    }

    private QueueApi() {
    }
}
