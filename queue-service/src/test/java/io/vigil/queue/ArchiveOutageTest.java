package io.vigil.queue;

import io.vigil.testing.StoppableMongoResource;
import static io.vigil.queue.QueueApi.ack;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.events;
import static io.vigil.queue.QueueApi.job;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.vigil.queue.store.QueueKeys;
import io.vigil.queue.store.QueueStore;
import io.vigil.testing.RedisServerResource;

/**
 * MongoDB goes away for longer than the queue's retention and comes back (a real wire server, stopped and started):
 * retention keeps every finished job until it is archived (Q3), and the drains that failed after publishing count
 * nothing, so each outcome is counted once (Q2).
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@QuarkusTestResource(StoppableMongoResource.class)
class ArchiveOutageTest {

    private static final String QUEUE = "outage";
    private static final String COMPLETED = "vigil_queue_jobs_total{outcome=\"completed\",queue=\"" + QUEUE + "\"}";

    @Inject
    RedisDataSource redis;
    @Inject
    ArchiveRepository archive;
    @Inject
    QueueStore store;

    @Test
    void finishedJobsOutliveAnArchiveOutageLongerThanRetentionAndAreCountedOnce() {
        createQueue(QUEUE, Map.of("completedRetentionMs", 1000));
        QueueKeys keys = QueueKeys.of(QUEUE);

        StoppableMongoResource.stopMongo();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(enqueue(QUEUE, Map.of("payload", Map.of("i", i))));
        }
        List<Map<String, Object>> leased = lease(QUEUE, 5, 0);
        assertThat(leased).hasSize(5);
        leased.forEach(j -> assertThat(ack(QUEUE, j)).isEqualTo(200));
        long finishedAt = System.currentTimeMillis();

        // The drainer publishes, then fails to archive, and replays: the events go out more than once (same ids,
        // consumers drop the copies) while the records stay in the outbox and nothing is counted.
        await().atMost(Duration.ofSeconds(30)).until(() -> events(redis, QUEUE).size() >= 10);
        assertThat(redis.list(String.class).llen(keys.outbox())).isEqualTo(5);
        assertThat(events(redis, QUEUE).stream().map(e -> e.get("id")).distinct()).hasSize(5);
        assertThat(metric(COMPLETED)).isIn(-1.0, 0.0);

        // Past the retention, retention runs and keeps every job the archive does not have yet.
        await().until(() -> System.currentTimeMillis() > finishedAt + 1500);
        assertThat(store.cleanRetained(QUEUE, 1000).await().atMost(Duration.ofSeconds(5))).isZero();
        ids.forEach(id -> assertThat(job(QUEUE, id).getString("state")).isEqualTo("completed"));

        StoppableMongoResource.startMongo();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ids.forEach(id ->
                assertThat(archive.find(QUEUE, id)).as("archived %s", id).isNotNull()));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.list(String.class).llen(keys.outbox()) == 0);
        assertThat(metric(COMPLETED)).isEqualTo(5.0);

        // Archived now: retention may delete them from Redis, and the API answers from the archive.
        assertThat(store.cleanRetained(QUEUE, 1000).await().atMost(Duration.ofSeconds(5))).isEqualTo(5);
        assertThat(redis.key().exists(keys.job(ids.get(0)))).isFalse();
        assertThat(job(QUEUE, ids.get(0)).getString("state")).isEqualTo("completed");
        assertThat(job(QUEUE, ids.get(0)).getInt("payload.i")).isZero();
    }
}
