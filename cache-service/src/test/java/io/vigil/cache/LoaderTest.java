package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * Get-or-load through a registered loader: one origin call for many concurrent misses, 404 passed through, a hanging
 * origin trips the breaker (fast 503, or the stale value within its grace), stale-while-revalidate, refresh-ahead,
 * warming jobs, sliding (session) expiry.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoaderTest {

    static Origin origin;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = new Origin();
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    static void namespace(String ns, Map<String, Object> settings) {
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json").body(settings)
                .put("/api/v1/cache/namespaces/" + ns).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    static Response get(String ns, String key) {
        return given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/" + ns + "/entries/" + key);
    }

    @Test
    void concurrentMissesMakeOneOriginCall() throws Exception {
        namespace("users", Map.of("loaderUrl", origin.url()));
        origin.mode = Origin.Mode.OK;
        origin.delayMs = 300;
        // counted for this key: origin.calls also counts other keys' loads (a warming job of an earlier test)
        java.util.concurrent.atomic.AtomicInteger u1 = origin.callsByKey.computeIfAbsent("u1",
                k -> new java.util.concurrent.atomic.AtomicInteger());
        int before = u1.get();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(() -> get("users", "u1"));
            }
            for (Future<Response> f : pool.invokeAll(calls)) {
                f.get().then().statusCode(200).body("key", equalTo("u1"));
            }
        } finally {
            pool.shutdownNow();
            origin.delayMs = 0;
        }
        assertThat(u1.get() - before).as("origin calls for u1").isEqualTo(1);
        // served from Redis (or already L1), then from L1
        get("users", "u1").then().statusCode(200).header("X-Cache", org.hamcrest.Matchers.oneOf("L1", "L2"));
        get("users", "u1").then().statusCode(200).header("X-Cache", "L1");
        get("users", "missing-1").then().statusCode(404);
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/users/entries/u2?load=false").then()
                .statusCode(404);
    }

    @Test
    void hangingOriginTripsTheBreakerThenFailsFast() {
        namespace("hangs", Map.of("loaderUrl", origin.url() + "/{key}?ns=hangs", "defaultTtlMs", 60000));
        origin.mode = Origin.Mode.HANG;
        try {
            // timeout 1 s (test profile), one retry; the breaker opens after 4 calls with half failing
            for (int i = 0; i < 4; i++) {
                get("hangs", "h" + i).then().statusCode(503);
            }
            long start = System.nanoTime();
            Response fast = get("hangs", "h9");
            long ms = (System.nanoTime() - start) / 1_000_000;
            fast.then().statusCode(503).body("detail", org.hamcrest.Matchers.containsString("circuit breaker"));
            assertThat(ms).as("an open breaker answers without waiting for the origin").isLessThan(300);
        } finally {
            origin.mode = Origin.Mode.OK;
        }
    }

    @Test
    void staleValueWhileRevalidatingAndWhenOriginFails() throws Exception {
        namespace("swr", Map.of("loaderUrl", origin.url(), "defaultTtlMs", 300, "staleGraceMs", 60000,
                "l1MaxEntries", 0));
        get("swr", "s1").then().statusCode(200).header("X-Cache", "LOAD");
        int n1 = get("swr", "s1").then().statusCode(200).extract().path("n");
        awaitStale("swr", "s1");
        // the old value now, one background refresh, then the new value
        Response stale = get("swr", "s1");
        stale.then().statusCode(200).header("X-Cache", "STALE").header("X-Cache-Stale", "revalidating");
        long deadline = System.currentTimeMillis() + 5000;
        int n2 = n1;
        while (n2 == n1 && System.currentTimeMillis() < deadline) {
            n2 = get("swr", "s1").then().statusCode(200).extract().path("n");
        }
        assertThat(n2).isGreaterThan(n1);
    }

    @Test
    void refreshAheadReloadsHotKeysBeforeTheyExpire() {
        namespace("ahead", Map.of("loaderUrl", origin.url(), "defaultTtlMs", 1000, "refreshAheadRatio", 0.9,
                "l1MaxEntries", 0));
        int n1 = get("ahead", "r1").then().statusCode(200).header("X-Cache", "LOAD").extract().path("n");
        long deadline = System.currentTimeMillis() + 5000;
        int n2 = n1;
        while (n2 == n1 && System.currentTimeMillis() < deadline) {
            Response r = get("ahead", "r1");
            r.then().statusCode(200);
            assertThat(r.header("X-Cache")).isNotEqualTo("STALE");
            n2 = r.path("n");
        }
        assertThat(n2).as("reloaded ahead of expiry").isGreaterThan(n1);
    }

    @Test
    void warmingJobLoadsKeysAndReportsProgress() {
        namespace("warm", Map.of("loaderUrl", origin.url()));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            keys.add("w" + i);
        }
        keys.add("missing-w");
        String poll = given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("keys", keys)).post("/api/v1/cache/warm/warm").then().statusCode(202).extract()
                .path("poll");
        long deadline = System.currentTimeMillis() + 20_000;
        Response job;
        do {
            job = given().header("Authorization", ApiKeys.READER).get(poll);
        } while (!"done".equals(job.path("state")) && System.currentTimeMillis() < deadline);
        job.then().body("state", equalTo("done")).body("done", equalTo(120)).body("failed", equalTo(1));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/warm/entries/w77?load=false").then()
                .statusCode(200);
    }

    @Test
    void sessionsSlideTheirExpiryOnEveryRead() throws Exception {
        namespace("sessions", Map.of("slidingExpiry", true, "defaultTtlMs", 800));
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body("{\"user\":\"ann\"}")
                .put("/api/v1/cache/sessions/entries/sess-1").then().statusCode(200);
        long end = System.currentTimeMillis() + 2500;
        while (System.currentTimeMillis() < end) {
            // read well within every TTL: the session must outlive its original 800 ms by far
            get("sessions", "sess-1").then().statusCode(200).header("X-Cache", "L2");
            Thread.sleep(200);
        }
        // once reads stop it expires (watched in Redis: a read through the API would extend it again)
        long deadline = System.currentTimeMillis() + 5000;
        while (redis.key().exists("vigil:c:{sessions}:e:sess-1") && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(redis.key().exists("vigil:c:{sessions}:e:sess-1")).as("expired once reads stopped").isFalse();
    }

    /**
     * C1: a load that started before a write must not overwrite it. The origin answers in 400 ms (the test profile's
     * loader timeout is 500 ms); the write lands while the origin is still working on the load.
     */
    @Test
    void putDuringALoadWins() throws Exception {
        namespace("race-put", Map.of("loaderUrl", origin.url()));
        Future<Response> load = whileLoading("race-put", () -> given().header("Authorization", ApiKeys.WRITER)
                .contentType("text/plain").body("v2").put("/api/v1/cache/race-put/entries/k1").then().statusCode(200));
        load.get();
        get("race-put", "k1").then().statusCode(200).body(equalTo("v2"));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/race-put/entries/k1?load=false").then()
                .statusCode(200).body(equalTo("v2"));
        assertThat(redis.hash(String.class).hget("vigil:c:{race-put}:e:k1", "v")).isEqualTo("v2");
    }

    @Test
    void deleteDuringALoadWins() throws Exception {
        namespace("race-del", Map.of("loaderUrl", origin.url()));
        Future<Response> load = whileLoading("race-del", () -> given().header("Authorization", ApiKeys.WRITER)
                .delete("/api/v1/cache/race-del/entries/k1"));
        load.get();
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/race-del/entries/k1?load=false").then()
                .statusCode(404);
    }

    @Test
    void putDuringAStaleWhileRevalidateRefreshWins() throws Exception {
        namespace("race-swr", Map.of("loaderUrl", origin.url(), "defaultTtlMs", 200, "staleGraceMs", 60000));
        // stored once a load finishes within the lock's TTL (3 s in tests; a starved machine may need a second one)
        long stored = System.currentTimeMillis() + 20_000;
        while (!redis.key().exists("vigil:c:{race-swr}:e:k1")) {
            assertThat(System.currentTimeMillis()).as("first value stored").isLessThan(stored);
            get("race-swr", "k1").then().statusCode(200);
        }
        awaitStale("race-swr", "k1");
        int done = origin.completed.get();
        Future<Response> stale = whileLoading("race-swr", () -> given().header("Authorization", ApiKeys.WRITER)
                .contentType("text/plain").body("v2").put("/api/v1/cache/race-swr/entries/k1?ttlMs=60000").then()
                .statusCode(200));
        stale.get().then().statusCode(200).header("X-Cache", "STALE");
        long deadline = System.currentTimeMillis() + 5000;
        while (origin.completed.get() == done) {
            assertThat(System.currentTimeMillis()).as("the refresh reached the origin").isLessThan(deadline);
            Thread.onSpinWait();
        }
        // the refresh's fill runs right after the origin answered: watch the value for a while
        long until = System.currentTimeMillis() + 500;
        while (System.currentTimeMillis() < until) {
            assertThat(redis.hash(String.class).hget("vigil:c:{race-swr}:e:k1", "v")).isEqualTo("v2");
            get("race-swr", "k1").then().statusCode(200).body(equalTo("v2"));
        }
    }

    /**
     * C3: a 404 is remembered (loader.negative-ttl) instead of asked again; then 3,000 distinct missing keys at once.
     * Loads of a namespace run on at most loader.concurrency (8) threads with a bounded queue; the rest answer 503
     * problem+json with Retry-After at once (so do reads whose Redis call timed out: on a starved machine most of
     * them). Every request is answered and the loader threads stay bounded. Last in the class: the flood leaves a
     * backlog, so it waits until the service answers normally again.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void floodOfDistinctMissesIsBounded() throws Exception {
        namespace("flood", Map.of("loaderUrl", origin.url()));
        origin.mode = Origin.Mode.OK;
        get("flood", "missing-once").then().statusCode(404);
        get("flood", "missing-once").then().statusCode(404);
        assertThat(origin.callsByKey.get("missing-once").get()).as("404 remembered, origin asked once").isEqualTo(1);
        origin.delayMs = 200;
        ExecutorService clientPool = Executors.newFixedThreadPool(4);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().executor(clientPool).build();
        String base = "http://localhost:" + io.restassured.RestAssured.port + "/api/v1/cache/flood/entries/";
        java.util.concurrent.atomic.AtomicInteger peakLoaders = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                int n = (int) Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("cache-loader-flood")).count();
                peakLoaders.accumulateAndGet(n, Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        try {
            List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                sent.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "missing-f" + i))
                        .header("Authorization", ApiKeys.READER).timeout(java.time.Duration.ofSeconds(120)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            int notFound = 0;
            int overloaded = 0;
            for (int i = 0; i < sent.size(); i++) {
                java.net.http.HttpResponse<String> r = sent.get(i).get(150, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).as("request %d", i).isIn(404, 503);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                if (r.statusCode() == 503) {
                    overloaded++;
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                } else {
                    notFound++;
                }
            }
            assertThat(notFound + overloaded).isEqualTo(3000);
            assertThat(peakLoaders.get()).as("loader threads").isLessThanOrEqualTo(8);
        } finally {
            sampling.set(false);
            sampler.join();
            origin.delayMs = 0;
            clientPool.shutdownNow();
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Boolean.TRUE.equals(given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/coherence")
                .path("connected")) || get("flood", "missing-after").statusCode() != 404) {
            assertThat(System.currentTimeMillis()).as("service recovered from the flood").isLessThan(deadline);
        }
    }

    /**
     * C5: a pattern invalidation does not wait behind warming jobs (both warm threads busy with a slow origin), and
     * a job whose replica died (no heartbeat) is reported failed, not running forever.
     */
    @Test
    void invalidationJobsNeverWaitBehindWarmJobsAndOrphanedJobsFail() {
        namespace("lanes", Map.of("loaderUrl", origin.url()));
        origin.mode = Origin.Mode.OK;
        origin.delayMs = 300;
        List<String> warmPolls = new ArrayList<>();
        try {
            for (int j = 0; j < 2; j++) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    keys.add("slow-" + j + "-" + i);
                }
                warmPolls.add(given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                        .body(Map.of("keys", keys)).post("/api/v1/cache/lanes/warm").then().statusCode(202)
                        .extract().path("poll"));
            }
            given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("x")
                    .put("/api/v1/cache/lanes/entries/p-1").then().statusCode(200);
            String poll = given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                    .body(Map.of("pattern", "p-*")).post("/api/v1/cache/lanes/invalidate").then().statusCode(202)
                    .extract().path("poll");
            long deadline = System.currentTimeMillis() + 3000;
            while (!"done".equals(given().header("Authorization", ApiKeys.READER).get(poll).path("state"))) {
                assertThat(System.currentTimeMillis()).as("invalidation done while warm jobs run")
                        .isLessThan(deadline);
            }
            given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/lanes/entries/p-1?load=false").then()
                    .statusCode(404);
        } finally {
            origin.delayMs = 0;
        }
        // the warm jobs finish (fast now) before the next test: their origin calls must not run into its counts
        long deadline = System.currentTimeMillis() + 20_000;
        for (String poll : warmPolls) {
            while (!"done".equals(given().header("Authorization", ApiKeys.READER).get(poll).path("state"))) {
                assertThat(System.currentTimeMillis()).as("warm job %s done", poll).isLessThan(deadline);
            }
        }
        redis.hash(String.class).hset("vigil:c:{lanes}:job:orphan-1", Map.of("kind", "warm-load", "state",
                "running", "total", "5", "done", "1", "failed", "0", "beat", "1"));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/lanes/jobs/orphan-1").then()
                .statusCode(200).body("state", equalTo("failed"))
                .body("error", org.hamcrest.Matchers.containsString("no heartbeat"));
    }

    /** Starts a GET that loads through the slow origin, runs the write once the origin got the call. */
    private Future<Response> whileLoading(String ns, Runnable write) throws Exception {
        origin.mode = Origin.Mode.OK;
        origin.delayMs = 400;
        // counted for this key: a warming job of another test may still be calling the origin
        java.util.concurrent.atomic.AtomicInteger k1 = origin.callsByKey.computeIfAbsent("k1",
                k -> new java.util.concurrent.atomic.AtomicInteger());
        int calls = k1.get();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Response> load = pool.submit(() -> get(ns, "k1"));
            long deadline = System.currentTimeMillis() + 5000;
            while (k1.get() == calls) {
                assertThat(System.currentTimeMillis()).as("the load reached the origin").isLessThan(deadline);
                Thread.onSpinWait();
            }
            write.run();
            load.get();
            return load;
        } finally {
            origin.delayMs = 0;
            pool.shutdown();
        }
    }

    /** Waits (in Redis, so no read triggers a refresh) until the entry is past its freshness. */
    private void awaitStale(String ns, String key) {
        String exp = redis.hash(String.class).hget("vigil:c:{" + ns + "}:e:" + key, "exp");
        assertThat(exp).as("entry %s/%s in Redis: %s", ns, key,
                redis.hash(String.class).hgetall("vigil:c:{" + ns + "}:e:" + key)).isNotNull();
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() <= Long.parseLong(exp) + 5 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
    }
}
