package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.sleep;
import static io.vigil.queue.QueueApi.stats;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RateLimitAndScheduleTest {

    @Test
    void queueRateLimitCapsJobsLeasedPerInterval() {
        createQueue("limited", Map.of("rateMax", 2, "rateIntervalMs", 60000));
        for (int i = 0; i < 5; i++) {
            enqueue("limited", Map.of("payload", Map.of("i", i)));
        }
        assertThat(lease("limited", 5, 0)).hasSize(2);
        assertThat(lease("limited", 5, 0)).isEmpty();
        assertThat(stats("limited").getInt("depth.waiting")).isEqualTo(3);
    }

    @Test
    void groupRateLimitSkipsOnlyTheThrottledGroup() {
        createQueue("tenants", Map.of("groupRateMax", 1, "groupRateIntervalMs", 60000));
        String a1 = enqueue("tenants", Map.of("payload", Map.of(), "group", "tenant-a"));
        enqueue("tenants", Map.of("payload", Map.of(), "group", "tenant-a"));
        String b1 = enqueue("tenants", Map.of("payload", Map.of(), "group", "tenant-b"));
        String none = enqueue("tenants", Map.of("payload", Map.of()));
        List<Map<String, Object>> leased = lease("tenants", 10, 0);
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(a1, b1, none);
        assertThat(lease("tenants", 10, 0)).isEmpty();
    }

    @Test
    void recurringJobEnqueuesOneInstanceAtATime() {
        createQueue("cron", Map.of());
        as(ApiKeys.ADMIN).body(Map.of("everyMs", 1000, "payload", Map.of("task", "cleanup")))
                .put("/api/v1/queues/cron/schedules/cleanup").then().statusCode(200);
        as(ApiKeys.ADMIN).body(Map.of("cron", "not a cron", "payload", Map.of()))
                .put("/api/v1/queues/cron/schedules/bad").then().statusCode(400);
        as(ApiKeys.ADMIN).body(Map.of("cron", "*/5 * * * *", "payload", Map.of()))
                .put("/api/v1/queues/cron/schedules/five").then().statusCode(200);
        List<Map<String, Object>> first = lease("cron", 1, 5000);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).get("payload")).isEqualTo(Map.of("task", "cleanup"));
        // while the first occurrence runs, no second instance is enqueued
        sleep(2500);
        assertThat(stats("cron").getInt("depth.waiting")).isZero();
        QueueApi.ack("cron", first.get(0));
        List<Map<String, Object>> second = lease("cron", 1, 5000);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).get("id")).isNotEqualTo(first.get(0).get("id"));
        as(ApiKeys.READER).get("/api/v1/queues/cron/schedules").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItems("cleanup", "five"));
        as(ApiKeys.ADMIN).delete("/api/v1/queues/cron/schedules/cleanup").then().statusCode(204);
        as(ApiKeys.ADMIN).delete("/api/v1/queues/cron/schedules/five").then().statusCode(204);
    }
}
