package io.vigil.queue;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/** Two queue-service replicas on one Redis, many workers on each: no job is ever leased twice concurrently. */
class TwoInstancesIT {

    private static final int JOBS = 3000;

    @Test
    void twoInstancesNeverHandOutTheSameJobConcurrently() throws Exception {
        try (RedisServer redis = new RedisServer(false).start()) {
            Map<String, String> props = Map.of("quarkus.redis.hosts", redis.url());
            try (ServiceProcess a = new ServiceProcess(Path.of("."), props);
                    ServiceProcess b = new ServiceProcess(Path.of("."), props)) {
                ServiceProcess.startAll(List.of(a, b), Duration.ofSeconds(60));
                HttpQueueClient ca = new HttpQueueClient(a::baseUrl);
                HttpQueueClient cb = new HttpQueueClient(b::baseUrl);
                // long visibility: any second lease of a job would be a concurrent double delivery
                assertThat(ca.send("PUT", "/api/v1/queues/shared", ApiKeys.ADMIN, Map.of("visibilityMs", 600000))
                        .status()).isEqualTo(201);

                Set<String> leased = ConcurrentHashMap.newKeySet();
                AtomicInteger duplicates = new AtomicInteger();
                AtomicInteger produced = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(8);
                for (int p = 0; p < 2; p++) {
                    HttpQueueClient c = p == 0 ? ca : cb;
                    pool.submit(() -> {
                        while (produced.get() < JOBS) {
                            List<Map<String, Object>> jobs = new ArrayList<>();
                            for (int j = 0; j < 50; j++) {
                                jobs.add(Map.of("payload", Map.of("j", j)));
                            }
                            if (produced.addAndGet(50) > JOBS) {
                                break;
                            }
                            c.send("POST", "/api/v1/queues/shared/jobs/batch", ApiKeys.WRITER, Map.of("jobs", jobs));
                        }
                        return null;
                    });
                }
                for (int w = 0; w < 6; w++) {
                    HttpQueueClient c = w % 2 == 0 ? ca : cb;
                    pool.submit(() -> {
                        int idle = 0;
                        while (idle < 5) {
                            var r = c.send("POST", "/api/v1/queues/shared/lease", ApiKeys.WRITER,
                                    Map.of("count", 7, "waitMs", 300));
                            if (r.body().path("jobs").isEmpty()) {
                                idle++;
                                continue;
                            }
                            idle = 0;
                            List<Map<String, Object>> acks = new ArrayList<>();
                            for (JsonNode job : r.body().path("jobs")) {
                                if (!leased.add(job.path("id").asText())) {
                                    duplicates.incrementAndGet();
                                }
                                acks.add(Map.of("id", job.path("id").asText(), "token", job.path("token").asText()));
                            }
                            c.send("POST", "/api/v1/queues/shared/ack", ApiKeys.WRITER, Map.of("acks", acks));
                        }
                        return null;
                    });
                }
                pool.shutdown();
                assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
                assertThat(duplicates.get()).isZero();
                assertThat(leased).hasSize(JOBS);
                JsonNode depth = ca.send("GET", "/api/v1/queues/shared/stats", ApiKeys.READER, null).body().path("depth");
                assertThat(depth.path("completed").asInt()).isEqualTo(JOBS);
                assertThat(depth.path("waiting").asInt() + depth.path("active").asInt()).isZero();
            }
        }
    }
}
