package io.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.ReadSettings;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.common.stream.StreamGroupReader;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.store.Aggregator;
import io.vigil.metrics.store.RedisKeys;
import io.vigil.metrics.stream.SampleStreamReader;
import io.vigil.testing.RedisServerResource;
import io.vigil.testing.Resp;

/** The sample stream when Redis refuses writes or an entry keeps coming back: nothing lost, nothing counted twice. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class IngestFaultsTest {

    private static final String GROUP = SampleStreamReader.GROUP;

    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    Aggregator aggregator;
    @Inject
    SampleStreamReader sampleReader;
    @Inject
    StreamConsumers consumers;

    @Test
    void aSeriesRedisRefusesKeepsItsEntryPendingAndNothingIsCountedTwiceAfterRecovery() throws Exception {
        Instant at = Instant.now();
        long start = at.getEpochSecond() - Math.floorMod(at.getEpochSecond(), 10);
        // A key of the wrong type where series m1-svc /a keeps its 10 s bucket: every write to that series fails.
        String broken = "vigil:m:{m1-svc|/a|GET|2xx}:10s:" + start;
        redis.value(String.class).set(broken, "not a hash");

        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(MetricsApiTest.sample("m1-svc", "/a", "GET", 200, 10 + i, at));
            samples.add(MetricsApiTest.sample("m1-svc", "/b", "GET", 200, 20 + i, at));
        }
        samples.add(MetricsApiTest.sample("m1-svc", "/b", "GET", 200, -1, at)); // invalid: copied to dead letters
        String id = redis.stream(String.class).xadd(Streams.INGEST_SAMPLES,
                Map.of("samples", mapper.writeValueAsString(samples)));

        // The healthy series is stored; the refused one is not, and the entry stays pending. Its own reader reclaims
        // it after claim-idle (delivery count 2+) while the flush still retries it, and must not record it again.
        await().atMost(Duration.ofSeconds(20)).until(() -> count("/b") == 10 && deliveries(id) >= 2);
        assertThat(count("/a")).isZero();
        assertThat(deliveries(id)).isPositive();

        redis.key().del(broken); // Redis accepts the series again
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(id) == 0 && count("/a") == 10);
        assertThat(count("/b")).as("the series stored before the refusal is not stored again").isEqualTo(10);
        assertThat(count("/a")).isEqualTo(10);
        assertThat(deadLetterCopiesOf(id)).as("one dead-letter copy however often the entry was delivered")
                .hasSize(1);
    }

    @Test
    void aFlushKilledBetweenItsMergesAndItsAckIsReplayedWithoutCountingAnythingTwice() throws Exception {
        Instant at = Instant.now();
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(MetricsApiTest.sample("replay-svc", "/a", "GET", 200, 10 + i, at));
            samples.add(MetricsApiTest.sample("replay-svc", "/b", "GET", 200, 20 + i, at));
        }
        String token = "ghost-run#7";
        String id;
        try (Resp raw = new Resp(RedisServerResource.portOf(Streams.INGEST_SAMPLES))) {
            // A replica that is gone read the entry (in one transaction, so this service cannot read it first) ...
            raw.call("MULTI");
            raw.call("XADD", Streams.INGEST_SAMPLES, "*", "samples", mapper.writeValueAsString(samples));
            raw.call("XREADGROUP", "GROUP", GROUP, "ghost", "COUNT", "1", "STREAMS", Streams.INGEST_SAMPLES, ">");
            id = (String) ((List<?>) raw.call("EXEC")).get(0);
        }
        // ... journaled its flush, and merged series /a under the flush's token before it was killed: /b and the XACK
        // never happened.
        try (Resp raw = new Resp(RedisServerResource.portOf(RedisKeys.JOURNAL))) {
            raw.call("HSET", RedisKeys.JOURNAL, token, id);
            raw.call("HSET", RedisKeys.JOURNAL_ENTRIES, id, token);
        }
        List<Sample> mergedBeforeTheKill = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            mergedBeforeTheKill.add(new Sample("replay-svc", "/a", "GET", 200, 10 + i, at.toEpochMilli(), null));
        }
        aggregator.replay(token, mergedBeforeTheKill, List.of()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(count("/a", "replay-svc")).isEqualTo(10);

        // This service reclaims the entry after claim-idle, replays the journaled flush, and counts each sample once.
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(id) == 0 && count("/b", "replay-svc") == 10);
        assertThat(count("/a", "replay-svc")).as("the series merged before the kill is not merged again")
                .isEqualTo(10);
        assertThat(redis.hash(String.class).hget(RedisKeys.JOURNAL, token)).as("the flush is finished").isNull();
    }

    @Test
    void aReclaimedEntryAcknowledgedBeforeItsJournalLookupIsNotRecordedAgain() throws Exception {
        // The race RestartIT once lost to (5,500 samples counted of 5,000): a member reclaims an entry of a dead
        // replica's flush while that flush is being replayed (by itself for an earlier page of the claim, or by
        // another replica); the replay acknowledges the entry and forgets the journal before the member looks it up,
        // so it finds the entry in no journal. Here the entry is recorded and acknowledged first, and a member of a
        // group of its own, where the entry is acknowledged too, stands for that member.
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(MetricsApiTest.sample("race-svc", "/a", "GET", 200, 10 + i, Instant.now()));
        }
        String id = redis.stream(String.class).xadd(Streams.INGEST_SAMPLES,
                Map.of("samples", mapper.writeValueAsString(samples)));
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(id) == 0 && count("/a", "race-svc") == 10);
        StreamGroupReader member = consumers.startBatches(Streams.INGEST_SAMPLES, "race-probe", "member", "$",
                new ReadSettings(10, Duration.ofMillis(100), Duration.ofHours(1), Duration.ofHours(1)),
                (r, batch, reclaimed) -> r.ack(batch.stream().map(StreamMessage::id).toArray(String[]::new)));
        try {
            StreamMessage<String, String, String> entry = redis.stream(String.class)
                    .xrange(Streams.INGEST_SAMPLES, new StreamRange(id, id), 1).get(0);
            sampleReader.handle(member, List.of(entry), true);

            // A later sample is flushed no earlier than anything handle() recorded.
            Map<String, Object> later = MetricsApiTest.sample("race-svc", "/b", "GET", 200, 1, Instant.now());
            redis.stream(String.class).xadd(Streams.INGEST_SAMPLES,
                    Map.of("samples", mapper.writeValueAsString(List.of(later))));
            await().atMost(Duration.ofSeconds(20)).until(() -> count("/b", "race-svc") == 1);
            assertThat(count("/a", "race-svc")).as("the acknowledged entry is not recorded again").isEqualTo(10);
        } finally {
            member.close();
        }
    }

    @Test
    void anEntryDeliveredMoreThanTheCapIsDeadLetteredAndNotRecorded() throws Exception {
        String json = mapper.writeValueAsString(
                List.of(MetricsApiTest.sample("cap-svc", "/c", "GET", 200, 5, Instant.now())));
        String id;
        try (Resp raw = new Resp(RedisServerResource.portOf(Streams.INGEST_SAMPLES))) {
            // Added and taken by a consumer that then dies, in one transaction, so the service cannot read it first
            // (one key: a single-slot MULTI on the node that holds the stream, on Redis Cluster too).
            raw.call("MULTI");
            raw.call("XADD", Streams.INGEST_SAMPLES, "*", "samples", json);
            raw.call("XREADGROUP", "GROUP", GROUP, "ghost", "COUNT", "1", "STREAMS", Streams.INGEST_SAMPLES, ">");
            List<?> replies = (List<?>) raw.call("EXEC");
            id = (String) replies.get(0);
            // It was already delivered 9 times (more than vigil.streams.max-deliveries = 5).
            raw.call("XCLAIM", Streams.INGEST_SAMPLES, GROUP, "ghost", "0", id, "RETRYCOUNT", "9", "JUSTID");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(id) == 0 && !deadLetterCopiesOf(id).isEmpty());
        assertThat(deadLetterCopiesOf(id).get(0).payload().get("deadLetterReason")).contains("delivered more than");
        assertThat(count("/c", "cap-svc")).isZero();
    }

    private long count(String endpoint) {
        return count(endpoint, "m1-svc");
    }

    private long count(String endpoint, String service) {
        JsonPath table = MetricsApiTest.endpoints(service, "1h");
        return table.getList("items.findAll { it.endpoint == '" + endpoint + "' }.count", Long.class).stream()
                .mapToLong(Long::longValue).sum();
    }

    private long deliveries(String id) {
        List<PendingMessage> pending = redis.stream(String.class).xpending(Streams.INGEST_SAMPLES, GROUP,
                new StreamRange(id, id), 1);
        return pending.isEmpty() ? 0 : pending.get(0).getDeliveryCount();
    }

    private List<StreamMessage<String, String, String>> deadLetterCopiesOf(String id) {
        return redis.stream(String.class).xrange(Streams.deadLetter(Streams.INGEST_SAMPLES, GROUP),
                StreamRange.of("-", "+")).stream().filter(m -> id.equals(m.payload().get("originalId"))).toList();
    }
}
