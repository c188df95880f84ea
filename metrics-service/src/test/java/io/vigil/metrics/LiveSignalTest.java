package io.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.EventPublisher;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.live.LivePublisher;
import io.vigil.metrics.store.BucketReader;
import io.vigil.testing.RedisServerResource;

/** The fast signal for alerting: a breach is on vigil:events:metrics.live within a second, once per tick. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class LiveSignalTest {

    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    LivePublisher live;
    @Inject
    Redis rawRedis;
    @Inject
    BucketReader reader;
    @Inject
    EventPublisher publisher;
    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry meters;

    @Test
    void aBreachIsOnTheLiveStreamWithinASecondOfIngest() {
        // Steady state, as in production: the first event of a fresh JVM also pays for class loading and JIT.
        MetricsApiTest.post(List.of(MetricsApiTest.sample("live-warm", "/w", "GET", 200, 3, Instant.now())), 202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("live-warm").isEmpty());

        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(MetricsApiTest.sample("live-svc", "/slow", "GET", i < 2 ? 503 : 200, 2000 + i, Instant.now()));
        }
        Instant posted = Instant.now();
        MetricsApiTest.post(batch, 202);
        Instant accepted = Instant.now();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> events("live-svc").stream().anyMatch(e -> e.payload().get("p95Ms").asDouble() > 1900));
        Instant seen = Instant.now();
        // Published: the envelope's time, stamped when the publishing replica built the event.
        Instant published = events("live-svc").stream().filter(e -> e.payload().get("p95Ms").asDouble() > 1900)
                .map(EventEnvelope::time).min(Instant::compareTo).orElseThrow();
        System.out.printf("metrics.live latency: POST to event published %d ms (after the 202: %d ms); "
                + "seen by this poller %d ms after the POST%n", Duration.between(posted, published).toMillis(),
                Duration.between(accepted, published).toMillis(), Duration.between(posted, seen).toMillis());
        assertThat(Duration.between(posted, published)).isLessThan(Duration.ofSeconds(1));

        EventEnvelope e = events("live-svc").get(events("live-svc").size() - 1);
        assertThat(e.type()).isEqualTo("metrics.live");
        assertThat(e.version()).isEqualTo(1);
        JsonNode p = e.payload();
        // Exactly the fields of metrics.rollup; the window is named by bucketStart and bucketSeconds.
        List<String> fields = new ArrayList<>();
        p.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("service", "endpoint", "method", "statusClass", "bucketStart",
                "bucketSeconds", "count", "errors4xx", "errors5xx", "p50Ms", "p90Ms", "p95Ms", "p99Ms", "maxMs",
                "slowWarn", "slowCritical");
        assertThat(p.get("bucketSeconds").asLong()).isBetween(10L, 20L);
        assertThat(Instant.parse(p.get("bucketStart").asText()).getEpochSecond() % 10).isZero();
        long total = events("live-svc").stream().filter(x -> x.id().equals(e.id())).count();
        assertThat(total).isEqualTo(1);
    }

    @Test
    void twoReplicasPublishEachTickOnceAndASurvivorTakesOver() {
        MetricsApiTest.post(List.of(MetricsApiTest.sample("live-two", "/t", "GET", 200, 12, Instant.now())), 202);
        // A second replica's publisher: same Redis, its own lock token.
        LivePublisher second = new LivePublisher(rawRedis, reader, publisher, config, meters);
        second.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> events("live-two").size() >= 8);
            // One event per tick slot: the ids (derived from series and slot) never repeat.
            List<EventEnvelope> seen = events("live-two");
            assertThat(seen.stream().map(EventEnvelope::id).distinct().count()).isEqualTo(seen.size());

            // The replica holding the role dies (whichever it is: stop this one; if the other held it, it goes on).
            live.stop();
            Instant stopped = Instant.now();
            await().atMost(Duration.ofSeconds(5)).until(() -> events("live-two").stream()
                    .filter(x -> x.time().isAfter(stopped.plusMillis(config.live().lockTtl().toMillis()))).count() >= 2);
            List<EventEnvelope> after = events("live-two");
            assertThat(after.stream().map(EventEnvelope::id).distinct().count()).isEqualTo(after.size());
        } finally {
            second.stop();
            live.start();
        }
    }

    private List<EventEnvelope> events(String service) {
        List<EventEnvelope> out = new ArrayList<>();
        // The newest entries are enough: the live stream carries every active series of the test run.
        for (var m : redis.stream(String.class).xrevrange(Streams.METRICS_LIVE, StreamRange.of("+", "-"), 2000)) {
            EventEnvelope e = EventEnvelope.fromFields(m.payload(), mapper);
            if (service.equals(e.payload().get("service").asText())) {
                out.add(e);
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    static Map<String, Long> bySlot(List<EventEnvelope> events) {
        Map<String, Long> n = new HashMap<>();
        events.forEach(e -> n.merge(e.id(), 1L, Long::sum));
        return n;
    }
}
