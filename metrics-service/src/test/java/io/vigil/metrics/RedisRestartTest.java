package io.vigil.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Redis restarts (AOF-persistent): while it is down a REST batch is refused (5xx, not accepted), and once it is back
 * the service takes samples again by itself, with every accepted one counted once.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RedisRestartTest {

    @Test
    void restSamplesAreTakenAgainAfterARedisRestartAndEveryAcceptedOneIsCountedOnce() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the single redis-server; on Redis Cluster failover is ClusterFailoverIT's");
        assertThat(status(batch())).isEqualTo(202);
        RedisServerResource.server().kill();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> status(batch()) >= 500);
        } finally {
            RedisServerResource.server().start();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> status(batch()) == 202);
        assertThat(status(batch())).isEqualTo(202);
        // Refused batches were never written (Redis was down), so exactly the accepted ones are counted.
        long counted = MetricsApiTest.endpoints("restart-svc", "1h").getList("items.count", Long.class).stream()
                .mapToLong(Long::longValue).sum();
        assertThat(counted).isEqualTo(accepted * 10L);
    }

    private int accepted;

    private int status(List<Map<String, Object>> samples) {
        int status = given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(samples)
                .post("/api/v1/samples").statusCode();
        if (status == 202) {
            accepted++;
        }
        return status;
    }

    private static List<Map<String, Object>> batch() {
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(MetricsApiTest.sample("restart-svc", "/r", "GET", 200, 5 + i, Instant.now()));
        }
        return samples;
    }
}
