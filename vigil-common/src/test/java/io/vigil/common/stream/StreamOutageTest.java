package io.vigil.common.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.testing.RedisServerResource;

/** Outage vs poison: what counts toward max-deliveries, and the back-off while a dependency is down. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class StreamOutageTest {

    record Ping(int n) {
    }

    @Inject
    EventPublisher publisher;
    @Inject
    StreamConsumers consumers;
    @Inject
    RedisDataSource redis;
    @Inject
    MeterRegistry meters;
    @Inject
    StreamsConfig config;

    private final List<StreamGroupReader> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(StreamGroupReader::close);
    }

    private StreamGroupReader member(String stream, String group, EventHandler handler) {
        StreamGroupReader reader = consumers.start(stream, group, "only", "0", handler);
        running.add(reader);
        return reader;
    }

    @Test
    void aPoisonEventIsDeadLetteredAfterMaxDeliveriesWithItsLastError() {
        String stream = "vigil:test:" + UUID.randomUUID();
        AtomicInteger calls = new AtomicInteger();
        member(stream, "poison", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("no rule can read payload " + e.payload());
        });
        EventEnvelope event = publisher.publish(stream, "test.ping", 1, new Ping(1));
        String dead = Streams.deadLetter(stream, "poison");

        await().atMost(Duration.ofSeconds(30)).until(() -> redis.stream(String.class).xlen(dead) == 1);
        assertThat(calls.get()).as("the handler ran max-deliveries times, then the entry was parked")
                .isEqualTo(config.maxDeliveries());
        Map<String, String> parked = redis.stream(String.class).xrange(dead,
                new io.quarkus.redis.datasource.stream.StreamRange("-", "+")).get(0).payload();
        assertThat(parked).containsEntry("id", event.id())
                .containsEntry(DeadLetterFields.POISON_FAILURES, Integer.toString(config.maxDeliveries()))
                .containsEntry(DeadLetterFields.EXCUSED_DELIVERIES, "0");
        assertThat(parked.get(DeadLetterFields.REASON)).contains("last error: IllegalStateException: no rule");
        assertThat(failures(stream, "poison", "poison")).isEqualTo(config.maxDeliveries());
        assertThat(failures(stream, "poison", "outage")).isZero();
        // acknowledged, and its failure record gone with it
        assertThat(redis.stream(String.class).xpending(stream, "poison").getPendingCount()).isZero();
        assertThat(redis.hash(String.class).hgetall(DeliveryFailures.key(stream, "poison"))).isEmpty();
    }

    @Test
    void duringAnOutageTheMemberBacksOffAndResumesOnceTheDependencyIsBack() {
        String stream = "vigil:test:" + UUID.randomUUID();
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        AtomicLong firstCall = new AtomicLong();
        ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
        StreamGroupReader reader = member(stream, "backoff", e -> {
            if (down.get()) {
                firstCall.compareAndSet(0, System.nanoTime());
                calls.incrementAndGet();
                throw new java.io.UncheckedIOException(new ConnectException("Connection refused: mongo:27017"));
            }
            handled.add(e.id());
        });
        EventEnvelope first = publisher.publish(stream, "test.ping", 1, new Ping(1));
        EventEnvelope second = publisher.publish(stream, "test.ping", 1, new Ping(2));

        // Enough retries that the pause has reached its cap at least once (100, 200, 400, 800 ms, then 1 s).
        await().atMost(Duration.ofSeconds(15)).until(() -> calls.get() >= 6);
        long observed = calls.get();
        Duration window = Duration.ofNanos(System.nanoTime() - firstCall.get());
        // Each pause lasts at least its nominal length, so no more calls than the schedule allows fit in the window
        // (a retry loop without back-off would make thousands in the same time).
        assertThat(observed).isLessThanOrEqualTo(
                OutageBackoff.attemptsWithin(config.outageBackoffMin(), config.outageBackoffMax(), window));
        assertThat(reader.backingOff()).isTrue();
        assertThat(backingOffGauge(stream, "backoff")).isEqualTo(1);
        assertThat(handled).isEmpty();
        assertThat(redis.stream(String.class).xpending(stream, "backoff").getPendingCount())
                .as("nothing new is read while backing off").isLessThanOrEqualTo(2);

        down.set(false);
        // Back at the next retry (at most one capped pause), in order, and the member reads on normally.
        await().atMost(config.outageBackoffMax().plusSeconds(3)).until(() -> handled.size() == 2);
        assertThat(handled).containsExactly(first.id(), second.id());
        assertThat(reader.backingOff()).isFalse();
        assertThat(backingOffGauge(stream, "backoff")).isZero();
        EventEnvelope third = publisher.publish(stream, "test.ping", 1, new Ping(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.contains(third.id()));
        assertThat(failures(stream, "backoff", "outage")).isEqualTo(calls.get());
        assertThat(failures(stream, "backoff", "poison")).isZero();
        assertThat(redis.stream(String.class).xlen(Streams.deadLetter(stream, "backoff"))).isZero();
        assertThat(redis.hash(String.class).hgetall(DeliveryFailures.key(stream, "backoff"))).isEmpty();
    }

    private double failures(String stream, String group, String kind) {
        Counter c = meters.find("vigil.stream.handler.failures").tags("stream", stream, "group", group, "kind", kind)
                .counter();
        return c == null ? 0 : c.count();
    }

    private double backingOffGauge(String stream, String group) {
        Gauge g = meters.find("vigil.stream.backing.off").tags("stream", stream, "group", group).gauge();
        return g == null ? -1 : g.value();
    }

}
