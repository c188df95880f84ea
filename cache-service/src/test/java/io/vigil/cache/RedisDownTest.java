package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Redis down: what L1 holds is still served, marked stale; writes are refused with 503 and nothing changes; the
 * replica turns unready. Redis back: ready again by itself, the invalidation reader resynchronises, writes work.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RedisDownTest {

    static final String NS = "/api/v1/cache/default";

    @Test
    void readsFromL1MarkedStaleWritesRefusedThenRecovers() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the one redis-server; a cluster loses one master at a time (failover)");
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("before")
                .put(NS + "/entries/down-1").then().statusCode(200);
        await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1")
                .header("X-Cache")));

        RedisServerResource.server().kill();
        await(() -> given().get("/q/health/ready").statusCode() == 503);
        given().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1").then().statusCode(200)
                .body(equalTo("before")).header("X-Cache-Stale", "redis-unavailable");
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/never-cached").then().statusCode(503)
                .contentType("application/problem+json");
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("during")
                .put(NS + "/entries/down-1").then().statusCode(503).contentType("application/problem+json");

        RedisServerResource.server().start();
        await(() -> given().get("/q/health/ready").statusCode() == 200);
        await(() -> Boolean.TRUE.equals(given().header("Authorization", ApiKeys.READER)
                .get("/api/v1/cache/coherence").path("connected")));
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1").then().statusCode(200)
                .body(equalTo("before"));
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("after")
                .put(NS + "/entries/down-1").then().statusCode(200);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/down-1").then().statusCode(200)
                .body(equalTo("after"));
        assertThat((Integer) given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                .path("resyncs")).isGreaterThanOrEqualTo(2);
    }

    /**
     * C4: Redis stalls (CLIENT PAUSE, as a long script or a slow failover would) rather than refusing connections.
     * Every request still answers within the Redis timeout (2 s in tests, 1 s by default) plus slack: an L1 hit 200 marked stale once the
     * invalidation reader noticed the stall, a miss 503 problem+json, a write 503 that does not claim nothing changed.
     */
    @Test
    void stalledRedisAnswersWithinTheTimeout() throws Exception {
        assumeFalse(RedisServerResource.clusterMode(), "pauses the one redis-server");
        await(() -> Boolean.TRUE.equals(given().header("Authorization", ApiKeys.READER)
                .get("/api/v1/cache/coherence").path("connected")));
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("before")
                .put(NS + "/entries/stall-1").then().statusCode(200);
        await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(NS + "/entries/stall-1")
                .header("X-Cache")));
        redisCli("CLIENT", "PAUSE", "12000", "ALL");
        long pausedUntil = System.currentTimeMillis() + 12000;
        String mark = null;
        while (mark == null) {
            assertThat(System.currentTimeMillis()).as("L1 hit marked stale during the stall")
                    .isLessThan(pausedUntil - 500);
            long start = System.nanoTime();
            io.restassured.response.Response r = given().header("Authorization", ApiKeys.READER)
                    .get(NS + "/entries/stall-1");
            assertThat((System.nanoTime() - start) / 1_000_000).as("L1 hit time").isLessThan(3500);
            r.then().statusCode(200).body(equalTo("before"));
            mark = r.header("X-Cache-Stale");
        }
        assertThat(mark).isEqualTo("redis-unavailable");
        long start = System.nanoTime();
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/never-cached-2").then().statusCode(503)
                .contentType("application/problem+json");
        assertThat((System.nanoTime() - start) / 1_000_000).as("miss time").isLessThan(3500);
        start = System.nanoTime();
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("during")
                .put(NS + "/entries/stall-1").then().statusCode(503).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("nothing was changed")))
                .body("detail", org.hamcrest.Matchers.containsString("may or may not"));
        assertThat((System.nanoTime() - start) / 1_000_000).as("write time").isLessThan(3500);
        // the pause ends by itself; then everything works again
        await(() -> Boolean.TRUE.equals(given().header("Authorization", ApiKeys.READER)
                .get("/api/v1/cache/coherence").path("connected")));
        await(() -> given().header("Authorization", ApiKeys.READER).get(NS + "/entries/stall-1").statusCode() == 200);
    }

    private static void redisCli(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("redis-cli", "-p",
                Integer.toString(RedisServerResource.server().port())));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes()).trim()).isEqualTo("OK");
        p.waitFor();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition met in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
