package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.events;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.metric;
import static io.vigil.queue.QueueApi.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vigil.queue.client.Enqueued;
import io.vigil.queue.client.Job;
import io.vigil.queue.client.QueueClient;
import io.vigil.queue.client.QueueClientException;
import io.vigil.queue.store.DirectContract;
import io.vigil.queue.store.LeaseSignals;
import io.vigil.queue.store.QueueKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * The direct-enqueue contract v1 (direct-enqueue.lua) through queue-client, against this service on a real Redis: a
 * job enqueued directly is the same as one enqueued over REST, leased over REST, counted in stats, metrics and events.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class DirectEnqueueTest {

    private static Vertx vertx;
    private static QueueClient client;

    @Inject
    RedisDataSource redis;
    @Inject
    LeaseSignals signals;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        String hosts = ConfigProvider.getConfig().getValue("quarkus.redis.hosts", String.class);
        RedisOptions options = QueueClient.options(hosts.split(",")[0]);
        if (RedisServerResource.clusterMode()) {
            options.setType(RedisClientType.CLUSTER);
            for (String host : hosts.split(",")) {
                options.addConnectionString(host);
            }
        }
        client = QueueClient.create(vertx, options);
    }

    @AfterAll
    static void close() {
        client.close();
        vertx.close();
    }

    private static Enqueued direct(String queue, Job job) {
        return client.enqueue(queue, job).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aDirectJobIsTheSameAsARestJobAndIsLeasedOverRest() {
        createQueue("direct-same", Map.of("maxAttempts", 4));
        String restId = enqueue("direct-same", Map.of("payload", Map.of("n", 1, "to", "a@example.com"),
                "priority", "high", "maxAttempts", 7, "timeoutMs", 60000, "group", "tenant-1"));
        Enqueued direct = direct("direct-same", Job.of("{\"n\":2,\"to\":\"a@example.com\"}").withPriority("high")
                .withMaxAttempts(7).withTimeoutMs(60000).withGroup("tenant-1"));
        assertThat(direct.duplicate()).isFalse();
        assertThat(direct.state()).isEqualTo("waiting");
        // same id scheme: the queue's incarnation, then the next sequence number
        String incarnation = restId.substring(0, restId.lastIndexOf('-'));
        assertThat(direct.id()).isEqualTo(incarnation + "-" + (Long.parseLong(restId.substring(incarnation.length() + 1)) + 1));

        // the same job hash field for field, but for what differs between any two jobs
        QueueKeys k = QueueKeys.of("direct-same");
        Map<String, String> rest = new HashMap<>(redis.hash(String.class).hgetall(k.job(restId)));
        Map<String, String> viaRedis = new HashMap<>(redis.hash(String.class).hgetall(k.job(direct.id())));
        for (String field : List.of("id", "payload", "created", "ready")) {
            assertThat(viaRedis.remove(field)).isNotNull();
            rest.remove(field);
        }
        assertThat(viaRedis).isEqualTo(rest);

        List<Map<String, Object>> leased = new ArrayList<>();
        while (leased.size() < 2) { // both in one call, or the group's next job in the next
            List<Map<String, Object>> batch = lease("direct-same", 2, 5000);
            assertThat(batch).isNotEmpty();
            leased.addAll(batch);
        }
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(restId, direct.id());
        Map<String, Object> job = leased.get(1);
        assertThat(job.get("priority")).isEqualTo(10);
        assertThat(job.get("maxAttempts")).isEqualTo(7);
        assertThat(job.get("group")).isEqualTo("tenant-1");
        assertThat(job.get("payload")).isEqualTo(Map.of("n", 2, "to", "a@example.com"));
        assertThat((String) job.get("leaseDeadline")).isNotBlank();
        assertThat(QueueApi.job("direct-same", direct.id()).getString("state")).isEqualTo("active");
    }

    @Test
    void priorityOrderAndDelayAreRespected() {
        createQueue("direct-order", Map.of());
        String low = direct("direct-order", Job.of("{\"p\":\"low\"}").withPriority("low")).id();
        String normal = direct("direct-order", Job.of("{\"p\":\"normal\"}")).id();
        Enqueued later = direct("direct-order", Job.of("{\"p\":\"later\"}").withPriority("urgent").withDelayMs(4000));
        String urgent = direct("direct-order", Job.of("{\"p\":\"urgent\"}").withPriority(1)).id();
        assertThat(later.state()).isEqualTo("delayed");

        assertThat(lease("direct-order", 10, 0)).extracting(j -> j.get("id")).containsExactly(urgent, normal, low);
        long start = System.nanoTime();
        List<Map<String, Object>> due = lease("direct-order", 1, 20_000);
        assertThat(due).extracting(j -> j.get("id")).containsExactly(later.id());
        assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void anIdempotencyKeyDedupsAcrossRestAndDirect() {
        createQueue("direct-idem", Map.of());
        String viaRest = enqueue("direct-idem", Map.of("payload", Map.of(), "idempotencyKey", "order-1"));
        Enqueued again = direct("direct-idem", Job.of("{}").withIdempotencyKey("order-1"));
        assertThat(again).isEqualTo(new Enqueued(viaRest, "waiting", true));

        Enqueued viaRedis = direct("direct-idem", Job.of("{}").withIdempotencyKey("order-2"));
        assertThat(viaRedis.duplicate()).isFalse();
        as(ApiKeys.WRITER).body(Map.of("payload", Map.of(), "idempotencyKey", "order-2"))
                .post("/api/v1/queues/direct-idem/jobs").then().statusCode(200)
                .body("id", equalTo(viaRedis.id())).body("duplicate", equalTo(true));
        assertThat(stats("direct-idem").getInt("totals.enqueued")).isEqualTo(2);
    }

    @Test
    void wrongArgumentsGetAClearErrorAndWriteNothing() {
        createQueue("direct-bad", Map.of());
        assertRefused("direct-bad", Job.of("{}").withPriority("soon"), "ERR vigil: priority must be urgent, high");
        assertRefused("direct-bad", Job.of("{}").withPriority(1_000_001), "ERR vigil: priority");
        assertRefused("direct-bad", Job.of("{not json"), "ERR vigil: payload is not valid JSON");
        assertRefused("direct-bad", Job.of(""), "ERR vigil: payload is required");
        assertRefused("direct-bad", Job.of("\"" + "x".repeat(262_144) + "\""),
                "ERR vigil: payload is 262146 bytes; the limit is 262144");
        assertRefused("direct-bad", Job.of("{}").withMaxAttempts(101), "ERR vigil: maxAttempts must be an integer from 1 to 100");
        assertRefused("direct-bad", Job.of("{}").withTimeoutMs(86_400_001), "ERR vigil: timeoutMs");
        assertRefused("direct-bad", Job.of("{}").withGroup("g".repeat(201)), "ERR vigil: group must be 1 to 200 bytes");
        assertRefused("direct-missing", Job.of("{}"), "ERR vigil: queue 'direct-missing' does not exist");
        assertRefused("Bad{Name}", Job.of("{}"), "ERR vigil: queue must match");

        // callers without the client: the layout and the version are checked too
        List<String> keys = new ArrayList<>(DirectContract.keys("direct-bad"));
        assertThat(evalsha(keys, List.of("2", "direct-bad", "{}"))).startsWith("ERR vigil: contract version 2 is not served");
        keys.set(5, "vigil:q:{other}:stats");
        assertThat(evalsha(keys, List.of("1", "direct-bad", "{}"))).startsWith("ERR vigil: KEYS[6] must be vigil:q:{direct-bad}:stats");
        assertThat(evalsha(DirectContract.keys("direct-bad"), List.of("1", "direct-bad", "{}", "", "-5")))
                .startsWith("ERR vigil: delayMs must be an integer");

        assertThat(stats("direct-bad").getInt("totals.enqueued")).isZero();
        assertThat(redis.hash(String.class).hget(QueueKeys.of("direct-bad").meta(), "inc")).isNull();
    }

    private static void assertRefused(String queue, Job job, String message) {
        assertThatThrownBy(() -> direct(queue, job)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(QueueClientException.class).hasMessageStartingWith(message);
    }

    /** A raw EVALSHA of the published script, as a caller without the client sends it; returns the error text. */
    private String evalsha(List<String> keys, List<String> args) {
        String sha = redis.hash(String.class).hget(DirectContract.KEY, "sha");
        List<String> all = new ArrayList<>(List.of(sha, Integer.toString(keys.size())));
        all.addAll(keys);
        all.addAll(args);
        try {
            redis.execute("EVALSHA", all.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (e.getMessage().contains("NOSCRIPT")) {
                all.set(0, redis.hash(String.class).hget(DirectContract.KEY, "script"));
                try {
                    redis.execute("EVAL", all.toArray(String[]::new));
                } catch (RuntimeException again) {
                    return again.getMessage();
                }
                return "no error";
            }
            return e.getMessage();
        }
        return "no error";
    }

    @Test
    void theClientRecoversFromNoscriptAfterScriptFlush() {
        createQueue("direct-flush", Map.of());
        String first = direct("direct-flush", Job.of("{}")).id();
        redis.execute("SCRIPT", "FLUSH");
        String second = direct("direct-flush", Job.of("{}")).id();
        assertThat(second).isNotEqualTo(first);
        assertThat(lease("direct-flush", 10, 0)).extracting(j -> j.get("id")).containsExactly(first, second);
    }

    @Test
    void theContractIsPublishedInRedisAndOverRest() throws Exception {
        Map<String, String> contract = redis.hash(String.class).hgetall(DirectContract.KEY);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(contract.get("script").getBytes(StandardCharsets.UTF_8)));
        assertThat(contract).containsEntry("version", "1").containsEntry("sha", sha)
                .containsEntry("keys", "meta seq wait waitage delayed stats").containsEntry("maxPayloadBytes", "262144");
        assertThat(contract.get("script")).contains("local MAX_PAYLOAD_BYTES = 262144 -- @param maxPayloadBytes");
        createQueue("direct-doc", Map.of());
        as(ApiKeys.READER).get("/api/v1/queues/direct-doc/contract").then().statusCode(200)
                .body("version", equalTo(1)).body("sha", equalTo(sha)).body("contractKey", equalTo(DirectContract.KEY))
                .body("keys[0]", equalTo("vigil:q:{direct-doc}:meta"))
                .body("keys[5]", equalTo("vigil:q:{direct-doc}:stats")).body("argv[2]", equalTo("payload"));
        as(ApiKeys.READER).get("/api/v1/queues/direct-nope/contract").then().statusCode(404);
    }

    @Test
    void directEnqueuesWakeLeasersAndCountInStatsMetricsAndEvents() throws Exception {
        createQueue("direct-count", Map.of());
        // test profile: the long-poll re-check is 60 s, so a prompt lease was woken by the script's PUBLISH
        CompletableFuture<List<Map<String, Object>>> waiting =
                CompletableFuture.supplyAsync(() -> lease("direct-count", 1, 20_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting("direct-count") > 0);
        long start = System.nanoTime();
        String woken = direct("direct-count", Job.of("{\"wake\":true}")).id();
        List<Map<String, Object>> leased = waiting.get(15, TimeUnit.SECONDS);
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(woken);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(QueueApi.ack("direct-count", leased.get(0))).isEqualTo(200);

        // 200 at once on the client's one connection: pipelined, every one its own job
        List<CompletableFuture<Enqueued>> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(client.enqueue("direct-count", Job.of("{\"i\":" + i + "}")));
        }
        CompletableFuture.allOf(many.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(many).extracting(f -> f.join().id()).doesNotHaveDuplicates().hasSize(200);
        enqueue("direct-count", Map.of("payload", Map.of("rest", true)));

        assertThat(stats("direct-count").getInt("totals.enqueued")).isEqualTo(202);
        assertThat(stats("direct-count").getInt("depth.waiting")).isEqualTo(201);
        // counted once by the outbox drainer, with the REST one counted by the request
        await().atMost(Duration.ofSeconds(15))
                .until(() -> metric("vigil_queue_jobs_total{outcome=\"enqueued\",queue=\"direct-count\"}") == 202.0);
        assertThat(redis.hash(String.class).hget(QueueKeys.of("direct-count").stats(), "directPending")).isEqualTo("0");
        // the direct job's completion is an event like any other
        await().atMost(Duration.ofSeconds(10)).until(() -> events(redis, "direct-count").stream()
                .anyMatch(e -> e.get("type").equals("queue.job.completed")
                        && e.get("payload").contains("\"jobId\":\"" + woken + "\"")));
    }
}
