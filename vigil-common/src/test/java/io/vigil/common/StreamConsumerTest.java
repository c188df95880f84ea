package io.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.EventPublisher;
import io.vigil.common.stream.StreamGroupReader;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class StreamConsumerTest {

    record Ping(int n) {
    }

    @Inject
    EventPublisher publisher;
    @Inject
    StreamConsumers consumers;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    private final List<StreamGroupReader> running = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(StreamGroupReader::close);
    }

    private StreamGroupReader member(String stream, String group, String name, io.vigil.common.stream.EventHandler h) {
        StreamGroupReader c = consumers.start(stream, group, name, "0", h);
        running.add(c);
        return c;
    }

    @Test
    void eachEventIsHandledExactlyOncePerGroup() {
        String stream = "vigil:test:" + UUID.randomUUID();
        Map<String, AtomicInteger> alerts = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> audit = new ConcurrentHashMap<>();
        // Two groups, two members each, as two replicas of two services would be.
        for (String member : List.of("a", "b")) {
            member(stream, "alert-service", member,
                    e -> alerts.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            member(stream, "audit", member,
                    e -> audit.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
        }
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(publisher.publish(stream, "test.ping", 1, new Ping(i)).id());
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> alerts.size() == 200 && audit.size() == 200);
        // Let any redelivery (a reclaim after claim-idle) happen before counting.
        sleep(Duration.ofSeconds(2));
        assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(audit.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(alerts.values()).allMatch(n -> n.get() == 1);
        assertThat(audit.values()).allMatch(n -> n.get() == 1);
        assertThat(redis.stream(String.class).xpending(stream, "alert-service").getPendingCount()).isZero();
    }

    @Test
    void entryLeftUnackedByADeadConsumerIsReclaimedByAnother() {
        String stream = "vigil:test:" + UUID.randomUUID();
        var streams = redis.stream(String.class, String.class, String.class);
        streams.xgroupCreate(stream, "workers", "0", new XGroupCreateArgs().mkstream());
        EventEnvelope event = publisher.publish(stream, "test.ping", 1, new Ping(7));

        // A consumer reads the entry and dies before acknowledging it.
        List<StreamMessage<String, String, String>> taken = streams.xreadgroup("workers", "doomed", stream, ">",
                new XReadGroupArgs().count(10));
        assertThat(taken).hasSize(1);

        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        member(stream, "workers", "survivor", e -> handled.add(e.id()));

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(event.id()));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> streams.xpending(stream, "workers").getPendingCount() == 0);
        assertThat(handled).containsExactly(event.id());
    }

    @Test
    void failedHandlerIsRetriedThenSucceeds() {
        String stream = "vigil:test:" + UUID.randomUUID();
        AtomicInteger attempts = new AtomicInteger();
        member(stream, "flaky", "only", e -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("downstream not ready");
            }
        });
        publisher.publish(stream, "test.ping", 1, new Ping(1));
        await().atMost(Duration.ofSeconds(15)).until(() -> attempts.get() == 3);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redis.stream(String.class).xpending(stream, "flaky").getPendingCount() == 0);
    }

    @Test
    void redeliveredEventIdIsNotHandledTwice() {
        String stream = "vigil:test:" + UUID.randomUUID();
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        member(stream, "idem", "only", e -> handled.add(e.id()));
        EventEnvelope event = publisher.publish(stream, "test.ping", 1, new Ping(1));
        publisher.publish(stream, event); // a publisher retry after a lost reply
        EventEnvelope other = publisher.publish(stream, "test.ping", 1, new Ping(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(other.id()));
        sleep(Duration.ofMillis(500));
        assertThat(handled).containsExactly(event.id(), other.id());
    }

    @Test
    void batchPublishedEventsArriveInOrderAndReplaysWithTheSameIdAreDropped() {
        String stream = "vigil:test:" + UUID.randomUUID();
        ConcurrentLinkedQueue<Integer> handled = new ConcurrentLinkedQueue<>();
        member(stream, "batch", "only", e -> handled.add(e.payload().get("n").asInt()));
        List<EventEnvelope> events = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(publisher.envelope("outbox-" + i, "test.ping", 1, new Ping(i)));
        }
        publisher.publishAll(stream, events);
        publisher.publishAll(stream, events.subList(40, 50)); // a drainer that crashed before trimming its outbox
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= 50);
        sleep(Duration.ofMillis(500));
        assertThat(handled).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
    }

    @Test
    void entryThatIsNotAnEnvelopeIsDeadLettered() {
        String stream = "vigil:test:" + UUID.randomUUID();
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        member(stream, "strict", "only", e -> handled.add(e.id()));
        redis.stream(String.class, String.class, String.class).xadd(stream, Map.of("garbage", "yes"));
        EventEnvelope good = publisher.publish(stream, "test.ping", 1, new Ping(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(good.id()));
        String dead = Streams.deadLetter(stream, "strict");
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.stream(String.class).xlen(dead) == 1);
        assertThat(redis.stream(String.class).xpending(stream, "strict").getPendingCount()).isZero();
    }

    @Test
    void envelopeRoundTripsThroughStreamFields() {
        EventEnvelope event = EventEnvelope.create("queue.job.failed", "queue-service/x", 2,
                mapper.valueToTree(Map.of("queue", "emails", "attempts", 3)));
        EventEnvelope back = EventEnvelope.fromFields(event.toFields(), mapper);
        assertThat(back).isEqualTo(event);
        assertThat(back.payload().get("attempts").asInt()).isEqualTo(3);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
