package io.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
    @Inject
    MeterRegistry meters;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigil.streams.claim-idle")
    Duration claimIdle;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigil.streams.claim-interval")
    Duration claimInterval;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigil.streams.max-deliveries")
    int maxDeliveries;

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
        // Everything read and acknowledged: nothing can be redelivered any more, so the counts are final.
        await().atMost(Duration.ofSeconds(10)).until(() -> pending(stream, "alert-service") == 0
                && pending(stream, "audit") == 0);
        assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(audit.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(alerts.values()).allMatch(n -> n.get() == 1);
        assertThat(audit.values()).allMatch(n -> n.get() == 1);
        // Bounded dedup: the 200 handled ids live in one SET per time slice, not in a key per id.
        List<String> dedupKeys = redis.key().keys("vigil:handled:{alert-service}:*");
        assertThat(dedupKeys).allMatch(k -> k.startsWith("vigil:handled:{alert-service}:slice:")).hasSizeBetween(1, 2);
        assertThat(ids).allMatch(id -> dedupKeys.stream()
                .anyMatch(k -> redis.set(String.class).sismember(k, io.vigil.common.stream.EventDedupAccess.member(id))));
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
        // The copy was read and dropped as a duplicate (counted), and nothing is left to redeliver.
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(other.id())
                && outcome(stream, "idem", "duplicate") == 1 && pending(stream, "idem") == 0);
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
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= 50
                && outcome(stream, "batch", "duplicate") == 10 && pending(stream, "batch") == 0);
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

    @Test
    void copiesOfOneEventAtTwoMembersAreHandledOnce() throws Exception {
        String stream = "vigil:test:" + UUID.randomUUID();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        EventHandlerThatWaits slow = new EventHandlerThatWaits(entered, release, handled);
        member(stream, "c1", "a", slow);
        member(stream, "c1", "b", slow);
        EventEnvelope event = publisher.envelope("c1-" + UUID.randomUUID(), "test.ping", 1, new Ping(1));
        publisher.publish(stream, event);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        // While one member is inside the handler, a copy (a publisher retry) reaches the other member.
        publisher.publish(stream, event);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome(stream, "c1", "busy") >= 1);
        release.countDown();
        // The copy stays pending until the first handler finished, then is dropped as a duplicate.
        await().atMost(Duration.ofSeconds(15)).until(() -> pending(stream, "c1") == 0
                && outcome(stream, "c1", "duplicate") >= 1);
        assertThat(handled).containsExactly(event.id());
    }

    @Test
    void aClaimLeftByACrashedMemberBlocksTheEventOnlyUntilItsShortTtl() {
        String stream = "vigil:test:" + UUID.randomUUID();
        String id = "crash-" + UUID.randomUUID();
        String claim = "vigil:handled:{crash}:claim:" + id;
        // A member that claimed the event and died before handling it.
        redis.value(String.class).set(claim, "dead-member",
                new io.quarkus.redis.datasource.value.SetArgs().px(Duration.ofMillis(1500)));
        AtomicLong claimTtlSeenByHandler = new AtomicLong(-3);
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        member(stream, "crash", "survivor", e -> {
            claimTtlSeenByHandler.set(redis.key().pttl(claim));
            handled.add(e.id());
        });
        publisher.publish(stream, publisher.envelope(id, "test.ping", 1, new Ping(1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome(stream, "crash", "busy") >= 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> handled.contains(id) && pending(stream, "crash") == 0);
        assertThat(handled).containsExactly(id);
        // Its own claim had a TTL (claim-ttl, 60 s), not the 24 h of the dedup window, and is gone once handled.
        assertThat(claimTtlSeenByHandler.get()).isBetween(1L, 60_000L);
        assertThat(redis.key().exists(claim)).isFalse();
    }

    @Test
    void aGroupLostWhileRunningIsRecreatedAtZeroSoNothingAddedMeanwhileIsSkipped() {
        String stream = "vigil:test:" + UUID.randomUUID();
        String group = "c2-" + UUID.randomUUID();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        // The public entry point: a new group starts at "$".
        running.add(consumers.start(stream, group,
                e -> handled.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet()));
        await().atMost(Duration.ofSeconds(10)).until(() -> groupExists(stream, group));
        EventEnvelope first = publisher.publish(stream, "test.ping", 1, new Ping(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.containsKey(first.id()));

        // Redis loses the group (a failover without the group, a restore, an operator's XGROUP DESTROY) ...
        redis.stream(String.class).xgroupDestroy(stream, group);
        // ... and events arrive before the member notices and recreates it.
        EventEnvelope second = publisher.publish(stream, "test.ping", 1, new Ping(2));
        EventEnvelope third = publisher.publish(stream, "test.ping", 1, new Ping(3));

        await().atMost(Duration.ofSeconds(15)).until(() -> handled.containsKey(second.id())
                && handled.containsKey(third.id()) && outcome(stream, group, "duplicate") >= 1
                && pending(stream, group) == 0);
        assertThat(handled.keySet()).containsExactlyInAnyOrder(first.id(), second.id(), third.id());
        assertThat(handled.values()).allMatch(n -> n.get() == 1);
    }

    @Test
    void anOutageLongerThanMaxDeliveriesTimesClaimIdleDeadLettersNothing() {
        String stream = "vigil:test:" + UUID.randomUUID();
        // Long enough for every delivery the limit allows and one more, at the test's claim-idle + claim-interval.
        Duration outage = claimIdle.plus(claimInterval).multipliedBy(maxDeliveries + 1L);
        long downUntil = System.nanoTime() + outage.toNanos();
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        // Two replicas, each writing to a MongoDB that is down: the driver times out selecting a server.
        io.vigil.common.stream.EventHandler writesToMongo = e -> {
            calls.incrementAndGet();
            if (System.nanoTime() - downUntil < 0) {
                throw new com.mongodb.MongoTimeoutException("Timed out while waiting for a server");
            }
            handled.add(e.id());
        };
        member(stream, "mongo-down", "a", writesToMongo);
        member(stream, "mongo-down", "b", writesToMongo);
        EventEnvelope event = publisher.publish(stream, "test.ping", 1, new Ping(1));

        await().atMost(outage.plusSeconds(10)).until(() -> handled.contains(event.id())
                || redis.stream(String.class).xlen(Streams.deadLetter(stream, "mongo-down")) > 0);
        assertThat(redis.stream(String.class).xlen(Streams.deadLetter(stream, "mongo-down")))
                .as("nothing dead-lettered by an outage").isZero();
        assertThat(calls.get()).as("retried during the outage").isGreaterThan(maxDeliveries);
        await().atMost(Duration.ofSeconds(5)).until(() -> pending(stream, "mongo-down") == 0);
        assertThat(handled).containsExactly(event.id());
    }

    @Test
    void deliveriesThatFindTheEventBusyAtAnotherMemberDoNotDeadLetterIt() {
        String stream = "vigil:test:" + UUID.randomUUID();
        String id = "busy-" + UUID.randomUUID();
        // Another replica is inside the handler (its MongoDB write timing out) for longer than the limit allows
        // deliveries: every delivery here finds the event claimed and leaves it pending.
        Duration busyFor = claimIdle.plus(claimInterval).multipliedBy(maxDeliveries + 1L);
        redis.value(String.class).set("vigil:handled:{busy}:claim:" + id, "slow-replica",
                new io.quarkus.redis.datasource.value.SetArgs().px(busyFor));
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        member(stream, "busy", "here", e -> handled.add(e.id()));
        publisher.publish(stream, publisher.envelope(id, "test.ping", 1, new Ping(1)));

        await().atMost(busyFor.plusSeconds(10)).until(() -> handled.contains(id)
                || redis.stream(String.class).xlen(Streams.deadLetter(stream, "busy")) > 0);
        assertThat(redis.stream(String.class).xlen(Streams.deadLetter(stream, "busy"))).isZero();
        assertThat(outcome(stream, "busy", "busy")).isGreaterThan(maxDeliveries);
        assertThat(handled).containsExactly(id);
    }

    /** Blocks the first call until released, as a slow handler would. */
    record EventHandlerThatWaits(CountDownLatch entered, CountDownLatch release, ConcurrentLinkedQueue<String> handled)
            implements io.vigil.common.stream.EventHandler {
        @Override
        public void handle(EventEnvelope event) throws Exception {
            entered.countDown();
            if (!release.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            handled.add(event.id());
        }
    }

    private long pending(String stream, String group) {
        return redis.stream(String.class).xpending(stream, group).getPendingCount();
    }

    private boolean groupExists(String stream, String group) {
        try {
            redis.stream(String.class).xpending(stream, group);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private double outcome(String stream, String group, String outcome) {
        Counter c = meters.find("vigil.stream.events").tags("stream", stream, "group", group, "outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }
}
