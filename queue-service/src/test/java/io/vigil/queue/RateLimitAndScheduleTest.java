package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.stats;
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
import io.vigil.queue.store.QueueKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RateLimitAndScheduleTest {

    @Inject
    RedisDataSource redis;

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
    void aGroupAtItsRateLimitDoesNotBlockAnotherGroupBehindIt() {
        createQueue("busy", Map.of("groupRateMax", 1, "groupRateIntervalMs", 60000));
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            jobs.add(Map.of("payload", Map.of("i", i), "group", "a"));
        }
        for (int batch = 0; batch < 5; batch++) { // 5,000 jobs of group a, then one of group b
            as(ApiKeys.WRITER).body(Map.of("jobs", jobs)).post("/api/v1/queues/busy/jobs/batch").then().statusCode(200);
        }
        String b = enqueue("busy", Map.of("payload", Map.of(), "group", "b"));
        List<Map<String, Object>> leased = lease("busy", 2, 0);
        assertThat(leased).extracting(j -> j.get("group")).containsExactly("a", "b");
        assertThat(leased.get(1).get("id")).isEqualTo(b);
        assertThat(lease("busy", 2, 0)).isEmpty(); // both groups at their limit
        assertThat(stats("busy").getInt("depth.waiting")).isEqualTo(4999);
    }

    @Test
    void groupsAreServedRoundRobinHoweverTheirJobsWereEnqueued() {
        createQueue("fair", Map.of());
        // ten groups, each enqueued as one block of 100 after the other: FIFO alone would serve group 0 first
        for (int g = 0; g < 10; g++) {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                jobs.add(Map.of("payload", Map.of("i", i), "group", "g" + g));
            }
            as(ApiKeys.WRITER).body(Map.of("jobs", jobs)).post("/api/v1/queues/fair/jobs/batch").then().statusCode(200);
        }
        Map<Object, List<Object>> perGroup = new java.util.HashMap<>();
        for (int round = 0; round < 25; round++) { // 500 of the 1,000 jobs, 20 at a time
            lease("fair", 20, 0).forEach(j -> perGroup.computeIfAbsent(j.get("group"), g -> new ArrayList<>())
                    .add(((Map<?, ?>) j.get("payload")).get("i")));
        }
        assertThat(perGroup).hasSize(10);
        assertThat(perGroup.values()).allSatisfy(is -> assertThat(is.size()).isBetween(45, 55)); // 50 each, ±10 %
        // and within a group, FIFO
        assertThat(perGroup.get("g3")).isEqualTo(java.util.stream.IntStream.range(0, perGroup.get("g3").size())
                .boxed().toList());
        var page = as(ApiKeys.READER).get("/api/v1/queues/fair/jobs?state=waiting&limit=500").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page.getList("items")).hasSize(500);
        assertThat(stats("fair").getInt("depth.waiting")).isEqualTo(500);
    }

    @Test
    void fairnessHoldsAtEqualGroupRateLimits() {
        createQueue("rated", Map.of("groupRateMax", 5, "groupRateIntervalMs", 60000));
        for (int g = 0; g < 10; g++) {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                jobs.add(Map.of("payload", Map.of("i", i), "group", "r" + g));
            }
            as(ApiKeys.WRITER).body(Map.of("jobs", jobs)).post("/api/v1/queues/rated/jobs/batch").then().statusCode(200);
        }
        Map<Object, Long> perGroup = new java.util.HashMap<>();
        lease("rated", 1000, 0).forEach(j -> perGroup.merge(j.get("group"), 1L, Long::sum));
        assertThat(perGroup).hasSize(10).allSatisfy((g, n) -> assertThat(n).isEqualTo(5L));
    }

    @Test
    void intervalSchedulesStayOnTheirGrid() {
        createQueue("grid", Map.of());
        as(ApiKeys.ADMIN).body(Map.of("everyMs", 1000, "payload", Map.of()))
                .put("/api/v1/queues/grid/schedules/tick").then().statusCode(200);
        long first = nextRun("grid", "tick");
        await().atMost(Duration.ofSeconds(15)).until(() -> nextRun("grid", "tick") >= first + 3000);
        // each run is scheduled from the previous due time, not from when the check happened to run
        assertThat((nextRun("grid", "tick") - first) % 1000).isZero();
        as(ApiKeys.ADMIN).delete("/api/v1/queues/grid/schedules/tick").then().statusCode(204);
    }

    @Test
    void oneDamagedQueueDoesNotStopTheSweepOfTheOthers() {
        createQueue("aaa-damaged", Map.of());
        createQueue("zzz-healthy", Map.of());
        QueueKeys damaged = QueueKeys.of("aaa-damaged");
        // a key of the wrong type makes every sweep script of that queue fail (WRONGTYPE)
        redis.key().del(damaged.delayed(), damaged.active());
        redis.value(String.class).set(damaged.delayed(), "not a sorted set");
        redis.value(String.class).set(damaged.active(), "not a sorted set");
        try {
            String id = enqueue("zzz-healthy", Map.of("payload", Map.of(), "delayMs", 200));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> QueueApi.job("zzz-healthy", id).getString("state").equals("waiting"));
        } finally {
            as(ApiKeys.ADMIN).delete("/api/v1/queues/aaa-damaged").then().statusCode(204);
        }
    }

    private static long nextRun(String queue, String name) {
        List<Map<String, Object>> schedules = as(ApiKeys.READER).get("/api/v1/queues/" + queue + "/schedules").then()
                .statusCode(200).extract().path("$");
        return schedules.stream().filter(s -> name.equals(s.get("name")))
                .mapToLong(s -> ((Number) s.get("nextRunMs")).longValue()).findFirst().orElseThrow();
    }

    @Test
    void recurringJobEnqueuesOneInstanceAtATime() {
        createQueue("cron", Map.of());
        as(ApiKeys.ADMIN).body(Map.of("everyMs", 1000, "payload", Map.of("task", "cleanup")))
                .put("/api/v1/queues/cron/schedules/cleanup").then().statusCode(200);
        as(ApiKeys.ADMIN).body(Map.of("cron", "not a cron", "payload", Map.of()))
                .put("/api/v1/queues/cron/schedules/bad").then().statusCode(400);
        // a valid cron that does not fire during the test (every 5 minutes did, when the test ran at 12:10:00)
        as(ApiKeys.ADMIN).body(Map.of("cron", "0 0 1 1 *", "payload", Map.of()))
                .put("/api/v1/queues/cron/schedules/yearly").then().statusCode(200);
        List<Map<String, Object>> first = lease("cron", 1, 5000);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).get("payload")).isEqualTo(Map.of("task", "cleanup"));
        // while the first occurrence runs, no second instance is enqueued: two more occurrences come and are skipped
        long firstNext = nextRun("cron", "cleanup");
        await().atMost(Duration.ofSeconds(10)).until(() -> nextRun("cron", "cleanup") >= firstNext + 2000);
        assertThat(stats("cron").getInt("depth.waiting")).isZero();
        QueueApi.ack("cron", first.get(0));
        List<Map<String, Object>> second = lease("cron", 1, 5000);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).get("id")).isNotEqualTo(first.get(0).get("id"));
        as(ApiKeys.READER).get("/api/v1/queues/cron/schedules").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItems("cleanup", "yearly"));
        as(ApiKeys.ADMIN).delete("/api/v1/queues/cron/schedules/cleanup").then().statusCode(204);
        as(ApiKeys.ADMIN).delete("/api/v1/queues/cron/schedules/yearly").then().statusCode(204);
    }
}
