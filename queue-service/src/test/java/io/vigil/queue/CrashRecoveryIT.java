package io.vigil.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/**
 * SIGKILL of queue-service while producers and workers run: after a restart every accepted job is completed
 * exactly once (exactly one successful ack) or dead-lettered, none lost. Producers retry a batch whose answer was
 * lost with the same idempotency keys, so "accepted" is exact.
 */
class CrashRecoveryIT {

    private static final int BATCHES = 60;
    private static final int BATCH_SIZE = 25;

    @Test
    void everyAcceptedJobIsCompletedExactlyOnceOrDeadAfterASigkill() throws Exception {
        try (RedisServer redis = new RedisServer(true).start()) {
            Map<String, String> props = Map.of("quarkus.redis.hosts", redis.url());
            ServiceProcess first = new ServiceProcess(Path.of("."), props).start(Duration.ofSeconds(60));
            AtomicServiceUrl url = new AtomicServiceUrl(first.baseUrl());
            HttpQueueClient client = new HttpQueueClient(url::get);
            assertThat(client.send("PUT", "/api/v1/queues/crash", ApiKeys.ADMIN,
                    Map.of("maxAttempts", 5, "visibilityMs", 1500, "backoff", "fixed", "backoffBaseMs", 100))
                    .status()).isEqualTo(201);

            Set<String> accepted = ConcurrentHashMap.newKeySet();
            Map<String, AtomicInteger> okAcks = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger batchesDone = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            for (int p = 0; p < 2; p++) {
                int producer = p;
                pool.submit(() -> {
                    for (int b = producer; b < BATCHES; b += 2) {
                        List<Map<String, Object>> jobs = new ArrayList<>();
                        for (int j = 0; j < BATCH_SIZE; j++) {
                            jobs.add(Map.of("payload", Map.of("b", b, "j", j), "idempotencyKey", "k-" + b + "-" + j));
                        }
                        while (true) { // retry until the service answers: same keys, so no duplicates
                            try {
                                var r = client.send("POST", "/api/v1/queues/crash/jobs/batch", ApiKeys.WRITER,
                                        Map.of("jobs", jobs));
                                if (r.status() == 200) {
                                    r.body().path("jobs").forEach(n -> accepted.add(n.path("id").asText()));
                                    break;
                                }
                            } catch (Exception down) {
                                // service being killed or restarted
                            }
                            QueueApi.pace(100);
                        }
                        batchesDone.incrementAndGet();
                        QueueApi.pace(20);
                    }
                });
            }
            for (int w = 0; w < 4; w++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        try {
                            var r = client.send("POST", "/api/v1/queues/crash/lease", ApiKeys.WRITER,
                                    Map.of("count", 10, "waitMs", 300));
                            if (r.status() != 200) {
                                QueueApi.pace(100);
                                continue;
                            }
                            List<Map<String, Object>> acks = new ArrayList<>();
                            for (JsonNode job : r.body().path("jobs")) {
                                if (job.path("id").asText().hashCode() % 7 == 0 && job.path("attempts").asInt() == 1) {
                                    // fail some first attempts so retries are in flight too
                                    client.send("POST", "/api/v1/queues/crash/jobs/" + job.path("id").asText() + "/nack",
                                            ApiKeys.WRITER, Map.of("token", job.path("token").asText(), "error", "flaky"));
                                } else {
                                    acks.add(Map.of("id", job.path("id").asText(), "token", job.path("token").asText()));
                                }
                            }
                            if (!acks.isEmpty()) {
                                var a = client.send("POST", "/api/v1/queues/crash/ack", ApiKeys.WRITER, Map.of("acks", acks));
                                if (a.status() == 200) {
                                    for (JsonNode res : a.body().path("results")) {
                                        if (res.path("status").asText().equals("ok")) {
                                            okAcks.computeIfAbsent(res.path("id").asText(), k -> new AtomicInteger())
                                                    .incrementAndGet();
                                        }
                                    }
                                }
                            }
                        } catch (Exception down) {
                            QueueApi.pace(100);
                        }
                    }
                });
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> batchesDone.get() >= BATCHES / 3);
            first.kill(); // SIGKILL mid-traffic: leases held by the dead process expire and are redelivered
            ServiceProcess second = new ServiceProcess(Path.of("."), props).start(Duration.ofSeconds(60));
            url.set(second.baseUrl());
            try {
                JsonNode[] last = new JsonNode[1];
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (batchesDone.get() < BATCHES) {
                        return false;
                    }
                    last[0] = client.send("GET", "/api/v1/queues/crash/stats", ApiKeys.READER, null).body()
                            .path("depth");
                    return last[0].path("waiting").asInt() + last[0].path("delayed").asInt()
                            + last[0].path("active").asInt() == 0;
                });
                JsonNode depth = last[0];
                stop.set(true);
                pool.shutdown();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

                assertThat(accepted).hasSize(BATCHES * BATCH_SIZE);
                assertThat(depth).isNotNull();
                int dead = depth.path("dead").asInt();
                assertThat(depth.path("completed").asInt() + dead).isEqualTo(accepted.size());
                assertThat(okAcks.values()).allMatch(n -> n.get() == 1);
                // Redis is the truth: an ack whose answer the SIGKILL swallowed still completed the job once
                Set<String> completed = ids(client, "completed");
                Set<String> deadIds = ids(client, "dead");
                assertThat(completed.stream().filter(deadIds::contains).toList()).isEmpty();
                Set<String> finished = new java.util.HashSet<>(completed);
                finished.addAll(deadIds);
                assertThat(finished).isEqualTo(accepted);
                assertThat(completed).containsAll(okAcks.keySet());
                assertThat(okAcks.size()).isGreaterThan(accepted.size() - 100);
            } finally {
                stop.set(true);
                pool.shutdownNow();
                second.kill();
            }
        }
    }

    private static Set<String> ids(HttpQueueClient client, String state) throws Exception {
        Set<String> ids = new java.util.HashSet<>();
        String cursor = "";
        do {
            JsonNode page = client.send("GET", "/api/v1/queues/crash/jobs?state=" + state + "&limit=500"
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor), ApiKeys.READER, null).body();
            page.path("items").forEach(j -> ids.add(j.path("id").asText()));
            cursor = page.path("nextCursor").asText("");
        } while (!cursor.isEmpty());
        return ids;
    }

    /** The URL producers and workers use; switched to the restarted process. */
    static final class AtomicServiceUrl {
        private volatile String url;

        AtomicServiceUrl(String url) {
            this.url = url;
        }

        String get() {
            return url;
        }

        void set(String value) {
            url = value;
        }
    }
}
