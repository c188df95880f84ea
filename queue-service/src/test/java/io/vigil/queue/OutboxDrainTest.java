package io.vigil.queue;

import static io.vigil.queue.QueueApi.createQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.queue.store.LuaScripts;
import io.vigil.queue.store.QueueKeys;
import io.vigil.testing.RedisServerResource;

/** Lifecycle events are at least once across a drainer crash, and consumers see each event once. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class OutboxDrainTest {

    @Inject
    RedisDataSource redis;
    @Inject
    StreamConsumers consumers;
    @Inject
    LuaScripts scripts;

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
        QueueApi.sleep(1500);
        assertThat(redis.list(String.class).llen(keys.outbox())).isEqualTo(3);

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
        assertThat(redis.list(String.class).llen(keys.outbox())).isZero();

        // The dead replica had published the same records before it died without trimming: the replay keeps the
        // event ids, so the consumer group handles each event once.
        redis.list(String.class).rpush(keys.outbox(), records("outbox-crash").toArray(String[]::new));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.list(String.class).llen(keys.outbox()) == 0);
        QueueApi.sleep(1500);
        assertThat(seen).hasSize(3).allSatisfy((id, n) -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void aDrainerThatLostItsLockDoesNotTrim() {
        QueueKeys keys = QueueKeys.of("outbox-lost");
        redis.list(String.class).rpush(keys.outbox(), records("outbox-lost").toArray(String[]::new));
        redis.value(String.class).set(keys.drainLock(), "other-replica", new SetArgs().px(Duration.ofSeconds(30)));
        var trimmed = scripts.run(LuaScripts.Script.TRIM_OUTBOX, List.of(keys.outbox(), keys.drainLock()),
                List.of("my-expired-token", "3")).await().atMost(Duration.ofSeconds(5));
        assertThat(trimmed.toInteger()).isZero();
        assertThat(redis.list(String.class).llen(keys.outbox())).isEqualTo(3);
        assertThat(redis.value(String.class).get(keys.drainLock())).isEqualTo("other-replica");
    }
}
