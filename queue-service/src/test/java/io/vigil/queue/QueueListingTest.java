package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.common.redis.Pipelines;
import io.vigil.queue.metrics.QueueMetrics;
import io.vigil.queue.store.QueueKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * {@code GET /api/v1/queues?limit=&cursor=} at 1,000 queues: pages in name order with each queue's depth per state,
 * every queue exactly once, one call per page (the console's queue table) instead of one stats call per queue.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class QueueListingTest {

    static final int QUEUES = 1000;

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    QueueMetrics metrics;

    @Test
    void aThousandQueuesArePagedInNameOrderWithTheirCounts() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < QUEUES; i++) {
            names.add(String.format("bulk-%04d", i));
        }
        // 999 queues written in one pipeline (creating them one PUT at a time would take most of the test), the last
        // through the API, which also refreshes the registry's cached names.
        List<Request> setup = new ArrayList<>();
        Map<String, Object> settings = as(ApiKeys.READER).get("/api/v1/queues/reports").then().statusCode(200)
                .extract().path("settings");
        for (String name : names.subList(0, QUEUES - 1)) {
            Request hset = Request.cmd(Command.HSET).arg(QueueKeys.of(name).meta());
            settings.forEach((k, v) -> hset.arg(k).arg(v instanceof Boolean b ? (b ? "1" : "0") : String.valueOf(v)));
            setup.add(hset);
            setup.add(Request.cmd(Command.SADD).arg(QueueKeys.REGISTRY).arg(name));
        }
        try {
            Pipelines.run(redis.getRedis(), setup, java.time.Duration.ofSeconds(10));
            QueueApi.createQueue(names.get(QUEUES - 1), Map.of());
            QueueApi.enqueue("bulk-0500", Map.of("payload", Map.of("n", 1)));
            QueueApi.enqueue("bulk-0500", Map.of("payload", Map.of("n", 2), "delayMs", 60_000));

            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            long slowest = 0;
            do {
                var request = as(ApiKeys.READER).queryParam("limit", 250).queryParam("prefix", "bulk-");
                if (cursor != null) {
                    request.queryParam("cursor", cursor);
                }
                long started = System.nanoTime();
                JsonPath page = request.get("/api/v1/queues").then().statusCode(200)
                        .body("total", equalTo(QUEUES)).extract().jsonPath();
                slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
                List<String> onPage = page.getList("queues.name");
                assertThat(onPage).hasSizeLessThanOrEqualTo(250);
                seen.addAll(onPage);
                int i = onPage.indexOf("bulk-0500");
                if (i >= 0) {
                    assertThat(page.getInt("queues[" + i + "].depth.waiting")).isEqualTo(1);
                    assertThat(page.getInt("queues[" + i + "].depth.delayed")).isEqualTo(1);
                    assertThat(page.getInt("queues[" + i + "].depth.dead")).isZero();
                    assertThat(page.getInt("queues[" + i + "].settings.maxAttempts"))
                            .isEqualTo(settings.get("maxAttempts"));
                    assertThat(page.getLong("queues[" + i + "].oldestWaitingAgeMs")).isNotNegative();
                }
                cursor = page.getString("nextCursor");
                pages++;
            } while (cursor != null && pages < 10);
            assertThat(pages).isEqualTo(4);
            assertThat(seen).as("every queue once, in name order").isEqualTo(names);
            System.out.printf("QueueListingTest: 4 pages of 250 queues, slowest page %d ms%n", slowest);

            // Without limit: every queue (the existing clients' listing), the defaults included.
            JsonPath all = as(ApiKeys.READER).get("/api/v1/queues").then().statusCode(200).extract().jsonPath();
            assertThat(all.getList("queues.name")).contains("notifications", "bulk-0000", "bulk-0999");
            assertThat(all.getString("nextCursor")).isNull();

            as(ApiKeys.READER).queryParam("limit", 0).get("/api/v1/queues").then().statusCode(400)
                    .contentType("application/problem+json");
            as(ApiKeys.READER).queryParam("limit", 10).queryParam("cursor", "bm90LWEtY3Vyc29y!")
                    .get("/api/v1/queues").then().statusCode(400).contentType("application/problem+json");
        } finally {
            // 1,000 queues would slow the sweeper for the tests that share this application
            as(ApiKeys.ADMIN).delete("/api/v1/queues/bulk-0500");
            List<Request> cleanup = new ArrayList<>();
            for (String name : names) {
                Request del = Request.cmd(Command.DEL);
                QueueKeys.of(name).fixedKeys().forEach(del::arg);
                cleanup.add(del);
                cleanup.add(Request.cmd(Command.SREM).arg(QueueKeys.REGISTRY).arg(name));
            }
            Pipelines.run(redis.getRedis(), cleanup, java.time.Duration.ofSeconds(10));
            names.forEach(metrics::forget);
        }
    }
}
