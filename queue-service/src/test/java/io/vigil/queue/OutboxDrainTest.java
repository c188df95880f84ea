package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.queue.store.ArchiveRepository;
import io.vigil.queue.store.LuaScripts;
import io.vigil.queue.store.QueueKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Lifecycle events are at least once across a drainer crash, and consumers see each event once; a record the archive
 * refuses is parked, not a stall for the records behind it.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class OutboxDrainTest {

    @Inject
    RedisDataSource redis;
    @Inject
    StreamConsumers consumers;
    @Inject
    LuaScripts scripts;
    @Inject
    ArchiveRepository archive;

    private static List<String> records(String queue) {
        return List.of(
                "{\"t\":\"completed\",\"id\":\"" + queue + "-1\",\"att\":1,\"waitMs\":5,\"runMs\":7,\"error\":\"\"}",
                "{\"t\":\"failed\",\"id\":\"" + queue + "-2\",\"att\":1,\"waitMs\":5,\"runMs\":9,\"error\":\"boom\"}",
                "{\"t\":\"dead\",\"id\":\"" + queue + "-2\",\"att\":3,\"waitMs\":5,\"runMs\":9,\"error\":\"boom\"}");
    }

    @Test
    void recordsOfADrainerThatDiedArePublishedOnceItsLockExpires() {
        createQueue("outbox-crash", Map.of());
        QueueKeys keys = QueueKeys.of("outbox-crash");
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        consumers.start(Streams.QUEUE, "outbox-test-a", "only", "$", e -> {
            if (e.payload().path("queue").asText().equals("outbox-crash")) {
                seen.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            }
        });

        // A replica took the drain lock and died: nobody drains until the lock expires.
        redis.value(String.class).set(keys.drainLock(), "dead-replica", new SetArgs().px(Duration.ofSeconds(3)));
        redis.list(String.class).rpush(keys.outbox(), records("outbox-crash").toArray(String[]::new));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            boolean locked = redis.key().exists(keys.drainLock());
            long pending = redis.list(String.class).llen(keys.outbox());
            assertThat(locked && pending < 3).as("drained while another replica held the lock").isFalse();
            return !locked;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
        assertThat(redis.list(String.class).llen(keys.outbox())).isZero();

        // The dead replica had published the same records before it died without trimming: the replay keeps the
        // event ids, so the consumer group handles each event once.
        redis.list(String.class).rpush(keys.outbox(), records("outbox-crash").toArray(String[]::new));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.list(String.class).llen(keys.outbox()) == 0);
        // the consumer group has been handed every entry of the stream and acked it
        await().atMost(Duration.ofSeconds(10)).until(() -> consumedEverything("outbox-test-a"));
        assertThat(seen).hasSize(3).allSatisfy((id, n) -> assertThat(n.get()).isEqualTo(1));
    }

    private boolean consumedEverything(String group) {
        String last = redis.stream(String.class).xrevrange(Streams.QUEUE, StreamRange.of("+", "-"), 1).get(0).id();
        for (Response g : redis.execute(Command.XINFO, "GROUPS", Streams.QUEUE)) {
            if (g.get("name").toString().equals(group)) {
                return g.get("pending").toLong() == 0 && g.get("last-delivered-id").toString().equals(last);
            }
        }
        return false;
    }

    @Test
    void anAckResultOverTheLimitIsRefusedWith413AndTheLeaseStays() {
        createQueue("big-result", Map.of());
        enqueue("big-result", Map.of("payload", Map.of()));
        Map<String, Object> leased = lease("big-result", 1, 0).get(0);
        String big = "x".repeat(300_000);
        as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"), "result", Map.of("blob", big)))
                .post("/api/v1/queues/big-result/jobs/" + leased.get("id") + "/ack").then().statusCode(413)
                .contentType("application/problem+json").body("detail", containsString("result"));
        as(ApiKeys.WRITER).body(Map.of("acks", List.of(
                Map.of("id", leased.get("id"), "token", leased.get("token"), "result", Map.of("blob", big)))))
                .post("/api/v1/queues/big-result/ack").then().statusCode(413)
                .body("detail", containsString("acks[0].result"));
        assertThat(QueueApi.job("big-result", (String) leased.get("id")).getString("state")).isEqualTo("active");
        assertThat(QueueApi.ack("big-result", leased)).isEqualTo(200);
    }

    @Test
    void aRecordTheArchiveRefusesIsParkedAndTheRecordsAfterItStillDrain() {
        createQueue("refused", Map.of());
        QueueKeys keys = QueueKeys.of("refused");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(enqueue("refused", Map.of("payload", Map.of("i", i))));
        }
        List<Map<String, Object>> leased = lease("refused", 3, 0);
        // hold the drainer off while the middle job gets a result MongoDB will never take (over its 16 MB document
        // limit, as an ack could write before results were bounded)
        redis.value(String.class).set(keys.drainLock(), "test", new SetArgs().px(Duration.ofSeconds(30)));
        leased.forEach(j -> assertThat(QueueApi.ack("refused", j)).isEqualTo(200));
        redis.hash(String.class).hset(keys.job(ids.get(1)), "result", "\"" + "x".repeat(17 * 1024 * 1024) + "\"");
        redis.key().del(keys.drainLock());

        await().atMost(Duration.ofSeconds(20)).until(() -> redis.list(String.class).llen(keys.outbox()) == 0);
        assertThat(archive.find("refused", ids.get(0))).isNotNull();
        assertThat(archive.find("refused", ids.get(2))).isNotNull();
        assertThat(archive.find("refused", ids.get(1))).isNull();
        as(ApiKeys.READER).get("/api/v1/queues/refused/outbox/parked").then().statusCode(403);
        as(ApiKeys.ADMIN).get("/api/v1/queues/refused/outbox/parked").then().statusCode(200)
                .body("records", hasSize(1)).body("records[0].record.id", equalTo(ids.get(1)))
                .body("records[0].record.t", equalTo("completed")).body("records[0].error", not(emptyString()));
        assertThat(QueueApi.metric("vigil_queue_outbox_parked_total{queue=\"refused\"}")).isEqualTo(1.0);
        // every outcome counted once, the parked one included (its event was published)
        await().atMost(Duration.ofSeconds(5)).until(() -> QueueApi.events(redis, "refused").size() == 3);
        assertThat(QueueApi.metric("vigil_queue_jobs_total{outcome=\"completed\",queue=\"refused\"}")).isEqualTo(3.0);

        // retention keeps the parked job in Redis
        assertThat(redis.hash(String.class).hget(keys.job(ids.get(1)), "parked")).isEqualTo("1");

        // the cause fixed, an admin retries: archived, not published or counted again
        redis.hash(String.class).hset(keys.job(ids.get(1)), "result", "{\"trimmed\":true}");
        as(ApiKeys.ADMIN).post("/api/v1/queues/refused/outbox/parked/retry").then().statusCode(200)
                .body("retried", equalTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> archive.find("refused", ids.get(1)) != null);
        assertThat(archive.find("refused", ids.get(1)).result).isEqualTo("{\"trimmed\":true}");
        as(ApiKeys.ADMIN).get("/api/v1/queues/refused/outbox/parked").then().statusCode(200).body("records", hasSize(0));
        assertThat(redis.hash(String.class).hget(keys.job(ids.get(1)), "parked")).isNull();
        assertThat(QueueApi.events(redis, "refused")).hasSize(3);
        assertThat(QueueApi.metric("vigil_queue_jobs_total{outcome=\"completed\",queue=\"refused\"}")).isEqualTo(3.0);
    }

    @Test
    void aDrainerThatLostItsLockDoesNotTrim() {
        QueueKeys keys = QueueKeys.of("outbox-lost");
        redis.list(String.class).rpush(keys.outbox(), records("outbox-lost").toArray(String[]::new));
        redis.value(String.class).set(keys.drainLock(), "other-replica", new SetArgs().px(Duration.ofSeconds(30)));
        var trimmed = scripts.run(LuaScripts.Script.TRIM_OUTBOX, List.of(keys.outbox(), keys.drainLock(), keys.parked(),
                keys.stats()), List.of("my-expired-token", "3", keys.prefix())).await().atMost(Duration.ofSeconds(5));
        assertThat(trimmed.get(0).toInteger()).isZero();
        assertThat(redis.list(String.class).llen(keys.outbox())).isEqualTo(3);
        assertThat(redis.value(String.class).get(keys.drainLock())).isEqualTo("other-replica");
    }
}
