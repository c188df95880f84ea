package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;
import io.vigil.testing.VolatileRedisResource;

/**
 * While this replica is disconnected, another writer overwrites a key and so many invalidations follow that the
 * stream is trimmed past the replica's position: it cannot replay what it missed, so it clears the namespace's L1
 * and reads the new value from Redis (a replay alone would have left the old value in L1).
 */
@QuarkusTest
@QuarkusTestResource(value = VolatileRedisResource.class, restrictToAnnotatedClass = true)
@TestProfile(StreamTrimmedTest.ShortStream.class)
class StreamTrimmedTest {

    public static class ShortStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vigil.cache.invalidation-stream-length", "1");
        }
    }

    /** Overwrites the entry as another replica would, then 300 more invalidations: XADD MAXLEN ~ 1 trims nodes. */
    static final String OTHER_WRITER = "local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', 1, '*', 'op', 'put', "
            + "'keys', ARGV[1]) redis.call('HSET', KEYS[2], 'v', 'new', 'ver', id) "
            + "for i = 1, 300 do redis.call('XADD', KEYS[1], 'MAXLEN', '~', 1, '*', 'op', 'put', 'keys', 'other' .. i) end "
            + "return id";

    @Test
    void trimmedPastOurPositionClearsL1() throws Exception {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills the connections of one redis-server and trims its stream behind them (the cluster's "
                        + "per-stream reads: CoherenceTest)");
        String path = "/api/v1/cache/default/entries/trim-1";
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("old").put(path).then()
                .statusCode(200);
        await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(path).header("X-Cache")));
        int clearsBefore = given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                .path("l1Clears");

        // drop every connection of the service (the invalidation reader's too); it retries after 200 ms, by which
        // time the other writer's script has run
        // both on one redis-cli connection, milliseconds apart
        String out = redisCliStdin("CLIENT KILL TYPE normal\nEVAL \"" + OTHER_WRITER
                + "\" 2 vigil:c:{default}:inv vigil:c:{default}:e:trim-1 trim-1\n");
        assertThat(out.split("\n")[0].trim()).as("connections killed").isNotEqualTo("0");

        await(() -> {
            Object clears = given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                    .path("l1Clears");
            return clears instanceof Integer n && n > clearsBefore;
        });
        assertThat(given().header("Authorization", ApiKeys.READER).get(path).asString()).isEqualTo("new");
    }

    /**
     * C2: the replica stays connected (no read fails) while another writer overwrites a key and trims the stream
     * past the replica's position in one go: the gap is noticed on the next read, L1 is cleared, the new value
     * served (before, the old one was served from L1 until its TTL).
     */
    @Test
    void trimmedPastOurPositionWhileConnectedClearsL1() throws Exception {
        assumeFalse(RedisServerResource.clusterMode(), "one redis-server: the script below runs on it");
        String path = "/api/v1/cache/default/entries/trim-2";
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("old").put(path).then()
                .statusCode(200);
        await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(path).header("X-Cache")));
        String out = redisCliStdin("EVAL \"" + OTHER_WRITER
                + "\" 2 vigil:c:{default}:inv vigil:c:{default}:e:trim-2 trim-2\n");
        assertThat(out).contains("-");
        await(() -> "new".equals(given().header("Authorization", ApiKeys.READER).get(path).asString()));
    }

    private static String redisCliStdin(String commands) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(VolatileRedisResource.server().port()))
                .redirectErrorStream(true).start();
        p.getOutputStream().write(commands.getBytes());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition met in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
