package io.vigil.queue;

import static io.restassured.RestAssured.given;
import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.common.event.Streams;
import io.vigil.queue.store.ArchiveRepository;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class EventsArchiveAndMetricsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ArchiveRepository archive;

    @Test
    void lifecycleEventsArePublishedAndFinishedJobsArchived() {
        createQueue("events", Map.of("maxAttempts", 1));
        String done = enqueue("events", Map.of("payload", Map.of("k", "v")));
        String failed = enqueue("events", Map.of("payload", Map.of()));
        List<Map<String, Object>> leased = lease("events", 2, 0);
        QueueApi.ack("events", leased.get(0));
        as(ApiKeys.WRITER).body(Map.of("token", leased.get(1).get("token"), "error", "boom"))
                .post("/api/v1/queues/events/jobs/" + failed + "/nack").then().statusCode(200)
                .body("state", equalTo("dead"));

        List<String> types = List.of();
        for (int i = 0; i < 50 && types.size() < 3; i++) {
            sleep(100);
            types = redis.stream(String.class).xrange(Streams.QUEUE, io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))
                    .stream().map(StreamMessage::payload)
                    .filter(f -> f.toString().contains("\"queue\":\"events\""))
                    .map(f -> f.get("type")).toList();
        }
        assertThat(types).containsExactly("queue.job.completed", "queue.job.failed", "queue.job.dead");

        for (int i = 0; i < 50 && archive.find("events", failed) == null; i++) {
            sleep(100);
        }
        assertThat(archive.find("events", done).state).isEqualTo("completed");
        assertThat(archive.find("events", failed).lastError).isEqualTo("boom");

        // once Redis forgets the job (purge / retention), its history still answers from MongoDB
        as(ApiKeys.ADMIN).delete("/api/v1/queues/events/jobs?state=completed").then().statusCode(200);
        as(ApiKeys.READER).get("/api/v1/queues/events/jobs/" + done).then().statusCode(200)
                .body("state", equalTo("completed")).body("payload.k", equalTo("v"));
    }

    @Test
    void statsAndPrometheusMetricsCarryTheQueueLabel() {
        createQueue("metered", Map.of());
        enqueue("metered", Map.of("payload", Map.of()));
        enqueue("metered", Map.of("payload", Map.of()));
        QueueApi.ack("metered", lease("metered", 1, 0).get(0));
        sleep(2500);
        var stats = QueueApi.stats("metered");
        assertThat(stats.getInt("depth.waiting")).isEqualTo(1);
        assertThat(stats.getInt("totals.completed")).isEqualTo(1);
        assertThat(stats.getLong("oldestWaitingAgeMs")).isGreaterThan(0);
        assertThat(stats.getInt("waitMs.count")).isEqualTo(1);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("vigil_queue_depth{queue=\"metered\",state=\"waiting\"} 1.0"))
                .body(containsString("vigil_queue_jobs_total{outcome=\"completed\",queue=\"metered\"} 1.0"))
                .body(containsString("vigil_queue_wait_seconds"))
                .body(containsString("vigil_queue_oldest_waiting_seconds{queue=\"metered\"}"));
    }
}
