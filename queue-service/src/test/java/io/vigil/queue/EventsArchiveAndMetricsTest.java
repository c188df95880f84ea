package io.vigil.queue;

import static io.restassured.RestAssured.given;
import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.events;
import static io.vigil.queue.QueueApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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

    private static final String DEPTH_WAITING = "vigil_queue_depth{queue=\"%s\",state=\"waiting\"}";

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

        await().atMost(Duration.ofSeconds(10)).until(() -> events(redis, "events").size() >= 3);
        assertThat(events(redis, "events")).extracting(f -> f.get("type"))
                .containsExactly("queue.job.completed", "queue.job.failed", "queue.job.dead");

        await().atMost(Duration.ofSeconds(10)).until(() -> archive.find("events", failed) != null
                && archive.find("events", done) != null);
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
        // the gauges are refreshed every 2 s and the outcome counted once the outbox is drained
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(DEPTH_WAITING.formatted("metered")) == 1.0
                && metric("vigil_queue_jobs_total{outcome=\"completed\",queue=\"metered\"}") == 1.0);
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

    @Test
    void aDeletedAndRecreatedQueueNeverReusesJobIdsArchiveDocumentsOrEventIds() {
        createQueue("reborn", Map.of());
        List<String> first = runJobs("reborn", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream().allMatch(id -> archive.find("reborn", id) != null));

        as(ApiKeys.ADMIN).delete("/api/v1/queues/reborn").then().statusCode(204);
        createQueue("reborn", Map.of());
        List<String> second = runJobs("reborn", 2);
        assertThat(second).doesNotContainAnyElementsOf(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.stream().allMatch(id -> archive.find("reborn", id) != null));

        // the first generation's archive is intact, the second has its own documents
        for (String id : first) {
            assertThat(archive.find("reborn", id).payload).isEqualTo("{\"gen\":1}");
        }
        for (String id : second) {
            assertThat(archive.find("reborn", id).payload).isEqualTo("{\"gen\":2}");
        }
        // six completions, six events with six ids: none is dropped as a duplicate of the other generation's
        await().atMost(Duration.ofSeconds(10)).until(() -> events(redis, "reborn").size() >= 6);
        List<Map<String, String>> events = events(redis, "reborn");
        assertThat(events).hasSize(6).extracting(e -> e.get("id")).doesNotHaveDuplicates();
        List<String> jobIds = new ArrayList<>(first);
        jobIds.addAll(second);
        assertThat(events).extracting(e -> e.get("payload"))
                .allSatisfy(p -> assertThat(jobIds).anyMatch(id -> p.contains("\"jobId\":\"" + id + "\"")));
    }

    @Test
    void aDeletedQueueStopsExportingItsGauges() {
        createQueue("gone", Map.of());
        enqueue("gone", Map.of("payload", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(DEPTH_WAITING.formatted("gone")) == 1.0);
        as(ApiKeys.ADMIN).delete("/api/v1/queues/gone").then().statusCode(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> !given().get("/q/metrics").then().extract().asString()
                .contains("queue=\"gone\""));
    }

    /** Enqueues, leases and acks three jobs with payload {gen}; returns their ids. */
    private static List<String> runJobs(String queue, int gen) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(enqueue(queue, Map.of("payload", Map.of("gen", gen))));
        }
        List<Map<String, Object>> leased = lease(queue, 3, 0);
        assertThat(leased).extracting(j -> j.get("id")).containsExactlyElementsOf(ids);
        leased.forEach(j -> assertThat(QueueApi.ack(queue, j)).isEqualTo(200));
        return ids;
    }
}
