package io.vigil.common;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServer;
import io.vigil.testing.RedisServerResource;
import io.vigil.testing.Resp;

/**
 * Kubernetes semantics: an unreachable Redis makes a pod unready (no traffic) but never kills it (still live). The
 * state comes from a background check once a second, so it flips within about two seconds, and a probe costs Redis
 * nothing.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RedisOutageTest {

    private static final Duration FLIP = Duration.ofSeconds(3);

    @Test
    void readinessFollowsRedisWhileLivenessStaysUp() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the single redis-server; on Redis Cluster failover is ClusterFailoverIT's");
        RedisServer redis = RedisServerResource.server();
        given().get("/q/health/ready").then().statusCode(200);

        redis.kill();
        await().atMost(FLIP).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/q/health/ready").statusCode() == 503);
        given().get("/q/health/ready").then().body(containsString("DOWN")).body(containsString("redis"));
        given().get("/q/health/live").then().statusCode(200);

        redis.start();
        await().atMost(FLIP).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aProbeOpensNoRoundTripToRedis() {
        assumeFalse(RedisServerResource.clusterMode(), "counts commands on the single redis-server");
        try (Resp resp = new Resp(RedisServerResource.server().port())) {
            long before = pings(resp);
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                given().get("/q/health/ready").then().statusCode(200);
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000 + 1;
            // The background check's one PING a second (plus one in flight), not one per probe.
            assertThat(pings(resp) - before).isLessThanOrEqualTo(seconds + 1);
        }
    }

    private static long pings(Resp resp) {
        Matcher m = Pattern.compile("cmdstat_ping:calls=(\\d+)").matcher(String.valueOf(resp.call("INFO", "commandstats")));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
