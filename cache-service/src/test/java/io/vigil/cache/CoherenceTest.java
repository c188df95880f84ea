package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * The invalidation reader follows every namespace's stream, on a single Redis and on Redis Cluster alike, where the
 * namespaces' streams live on different masters: another replica's overwrite (its script's effect, played here
 * directly in Redis) reaches this replica's L1 in each of them. And the key index that pattern and namespace
 * invalidations walk forgets entries Redis has expired.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class CoherenceTest {

    /** Their hash tags fall in the three masters' slot ranges of a 3-master cluster (slots 1221, 13478, 9351). */
    static final List<String> NAMESPACES = List.of("coh-a", "coh-b", "coh-c");

    /** What put.lua does for another replica: overwrite the entry and publish its invalidation, atomically. */
    static final String OTHER_WRITER = "local id = redis.call('XADD', KEYS[1], '*', 'op', 'put', 'keys', ARGV[1]) "
            + "redis.call('HSET', KEYS[2], 'v', ARGV[2], 'ver', id) return id";

    @Inject
    RedisDataSource redis;

    @Test
    void otherWritersInvalidationsReachL1InEveryNamespace() {
        for (String ns : NAMESPACES) {
            given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                    .body(Map.of("defaultTtlMs", 60000)).put("/api/v1/cache/namespaces/" + ns).then()
                    .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
        if (RedisServerResource.clusterMode()) {
            Set<Integer> masters = new HashSet<>();
            NAMESPACES.forEach(ns -> masters.add(RedisServerResource.portOf("vigil:c:{" + ns + "}:inv")));
            assertThat(masters).as("the namespaces' streams are on different masters").hasSize(3);
        }
        for (String ns : NAMESPACES) {
            String path = "/api/v1/cache/" + ns + "/entries/shared";
            given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("old").put(path).then()
                    .statusCode(200);
            // served from L1 only while the reader is connected, i.e. reading every namespace's stream
            await(() -> "L1".equals(given().header("Authorization", ApiKeys.READER).get(path).header("X-Cache")));
        }
        for (String ns : NAMESPACES) {
            String id = redis.execute("EVAL", OTHER_WRITER, "2", "vigil:c:{" + ns + "}:inv",
                    "vigil:c:{" + ns + "}:e:shared", "shared", "new-" + ns).toString();
            await(() -> id.equals(given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                    .path("positions." + ns)));
        }
        for (String ns : NAMESPACES) {
            assertThat(given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/" + ns + "/entries/shared")
                    .asString()).as("no stale L1 copy in " + ns).isEqualTo("new-" + ns);
        }
    }

    @Test
    void keyIndexForgetsExpiredEntries() {
        String ns = "/api/v1/cache/coh-a";
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("defaultTtlMs", 60000)).put("/api/v1/cache/namespaces/coh-a").then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("brief")
                .put(ns + "/entries/brief?ttlMs=50").then().statusCode(200);
        assertThat(indexed("brief")).isTrue();
        await(() -> !redis.key().exists("vigil:c:{coh-a}:e:brief"));
        // every later put prunes what expired (a second of slack for clock granularity)
        await(() -> {
            given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("x")
                    .put(ns + "/entries/later").then().statusCode(200);
            LockSupport.parkNanos(50_000_000); // between puts, not for a result
            return !indexed("brief");
        });
        assertThat(indexed("later")).isTrue();
        given().header("Authorization", ApiKeys.WRITER).delete(ns + "/entries/later").then().statusCode(204);
        assertThat(indexed("later")).as("a delete unindexes").isFalse();
    }

    private boolean indexed(String key) {
        return redis.sortedSet(String.class).zscore("vigil:c:{coh-a}:keys", key).isPresent();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition met in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
