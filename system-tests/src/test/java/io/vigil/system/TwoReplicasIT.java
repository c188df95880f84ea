package io.vigil.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vigil.system.replicas.Loopback;
import io.vigil.system.replicas.Poll;
import io.vigil.system.replicas.Prom;
import io.vigil.testing.Resp;
import io.vigil.testing.ApiKeys;

/**
 * Two packaged replicas of every service on one Redis and one MongoDB, driven through the public APIs of both: the
 * work that must happen once for the fleet happens once, not once per replica. Jobs are leased once; a recurring
 * job is enqueued once per tick; a cache write on one replica evicts the other's L1; both metrics replicas answer a
 * query identically and each bucket's rollup is published once; a health target is checked once per interval and
 * changes state once; an alert rule fires one alert with one notification per step, escalation included; each
 * retention purge runs once per interval (the purge intervals are shortened to {@link #PURGE_INTERVAL} here).
 * Each assertion has a tolerance that work done twice (by both replicas) still exceeds.
 * <p>
 * Run (the services must be packaged, and the simple name also matches module ITs):
 * {@code mvn -B -o -q verify -pl metrics-service,health-service,alert-service,queue-service,cache-service,system-tests
 * -am -Dit.test=io.vigil.system.TwoReplicasIT -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
class TwoReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient RAW = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Every service's retention purge interval in this suite (a few intervals fit in a short window). */
    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(2);
    /** The once-per-interval purge tasks ({@code vigil_scheduled_runs_total{task}}) by service. */
    private static final Map<String, List<String>> PURGES = Map.of(
            "health-service", List.of("health-retention-purge"),
            "metrics-service", List.of("metrics-rollup-purge", "metrics-close-counter-purge"),
            "queue-service", List.of("queue-archive-purge"),
            "alert-service", List.of("alert-retention-purge"));

    private static Suite suite;
    private static Loopback loopback;
    private static Resp redis;

    @BeforeAll
    static void startTwoOfEverything() {
        long started = System.nanoTime();
        String every = PURGE_INTERVAL.toSeconds() + "s";
        suite = Suite.start(2, Map.of(
                "health-service", Map.of("vigil.health.retention.purge-interval", every),
                "metrics-service", Map.of("vigil.metrics.retention.purge-interval", every),
                "queue-service", Map.of("vigil.queue.archive-purge-interval", every),
                "alert-service", Map.of("vigil.alert.purge-interval", every)));
        System.out.printf("two-replicas: 2 x %d services ready in %d ms%n", Suite.SERVICES.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        loopback = new Loopback();
        redis = new Resp(suite.redis().port());
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (loopback != null) {
            loopback.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    private static String a(String service) {
        return suite.replicas(service).get(0).baseUrl();
    }

    private static String b(String service) {
        return suite.replicas(service).get(1).baseUrl();
    }

    // ---------------------------------------------------------------------------------------------------- queue

    @Test
    void queueLeasesEveryJobOnceAcrossBothReplicas() throws Exception {
        int jobs = 1000;
        String path = "/api/v1/queues/rep-jobs";
        // A long visibility timeout: any second lease of a job would be a second concurrent delivery.
        assertThat(Http.send("PUT", a("queue-service") + path, ApiKeys.ADMIN, Map.of("visibilityMs", 600_000))
                .status()).isEqualTo(201);
        long streamFrom = System.currentTimeMillis() - 1000;

        Set<String> leased = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger enqueued = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> work = new ArrayList<>();
            // Two producers, one per replica, 50-job batches alternating between them.
            for (int p = 0; p < 2; p++) {
                String base = p == 0 ? a("queue-service") : b("queue-service");
                int producer = p;
                work.add(pool.submit(() -> {
                    for (int batch = producer; batch < jobs / 50; batch += 2) {
                        List<Map<String, Object>> items = new ArrayList<>();
                        for (int j = 0; j < 50; j++) {
                            items.add(Map.of("payload", Map.of("n", batch * 50 + j)));
                        }
                        Http.Reply r = Http.send("POST", base + path + "/jobs/batch", ApiKeys.WRITER,
                                Map.of("jobs", items));
                        assertThat(r.ok()).as("batch enqueue: %s %s", r.status(), r.json()).isTrue();
                        enqueued.addAndGet(50);
                    }
                    return null;
                }));
            }
            // Four workers, two leasing from each replica, concurrently with the producers.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int w = 0; w < 4; w++) {
                String base = w % 2 == 0 ? a("queue-service") : b("queue-service");
                work.add(pool.submit(() -> {
                    while (acked.get() < jobs && System.nanoTime() < deadline) {
                        Http.Reply r = Http.send("POST", base + path + "/lease", ApiKeys.WRITER,
                                Map.of("count", 10, "waitMs", 300));
                        List<Map<String, Object>> acks = new ArrayList<>();
                        for (JsonNode job : r.json().path("jobs")) {
                            if (!leased.add(job.path("id").asText())) {
                                duplicates.incrementAndGet();
                            }
                            acks.add(Map.of("id", job.path("id").asText(), "token", job.path("token").asText()));
                        }
                        if (!acks.isEmpty()) {
                            Http.Reply done = Http.send("POST", base + path + "/ack", ApiKeys.WRITER,
                                    Map.of("acks", acks));
                            for (JsonNode result : done.json().path("results")) {
                                if ("ok".equals(result.path("status").asText())) {
                                    acked.incrementAndGet();
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(enqueued.get()).isEqualTo(jobs);
        assertThat(duplicates.get()).as("jobs leased twice").isZero();
        assertThat(leased).hasSize(jobs);
        assertThat(acked.get()).isEqualTo(jobs);
        // Both replicas read the same depths and lifetime totals from Redis.
        for (String base : List.of(a("queue-service"), b("queue-service"))) {
            JsonNode stats = Http.send("GET", base + path + "/stats", ApiKeys.READER, null).json();
            assertThat(stats.path("depth").path("completed").asLong()).as("completed at " + base).isEqualTo(jobs);
            assertThat(stats.path("totals").path("completed").asLong()).as("total at " + base).isEqualTo(jobs);
            assertThat(stats.path("depth").path("waiting").asLong() + stats.path("depth").path("active").asLong())
                    .isZero();
        }
        // The outbox is drained by one replica at a time: one completed event per job, and the outcome counters of
        // both replicas add up to the jobs, not twice as many.
        Map<String, Long> completedEvents = Poll.until("a completed event per job", Duration.ofSeconds(20),
                () -> eventsById("vigil:events:queue", streamFrom, "queue.job.completed", "rep-jobs", "queue"),
                m -> m.size() >= jobs);
        assertThat(completedEvents).hasSize(jobs);
        assertThat(completedEvents.values()).as("completed events per job id").allMatch(n -> n == 1);
        assertThat(Poll.until("outcome counters", Duration.ofSeconds(20),
                () -> Prom.sum(suite.replicas("queue-service"), "vigil_queue_jobs_total", "queue=\"rep-jobs\"",
                        "outcome=\"completed\""), n -> n >= jobs)).isEqualTo((double) jobs);
        System.out.printf("two-replicas queue: %d jobs through both replicas, %d leased twice, %d completed events%n",
                jobs, duplicates.get(), completedEvents.size());
    }

    @Test
    void recurringJobIsEnqueuedOncePerTickAcrossBothReplicas() throws Exception {
        String path = "/api/v1/queues/rep-cron";
        assertThat(Http.send("PUT", a("queue-service") + path, ApiKeys.ADMIN, Map.of()).status()).isEqualTo(201);
        // Workers on both replicas take each occurrence at once, so no occurrence is skipped as "still pending":
        // an occurrence enqueued by both replicas would show as two jobs.
        List<Long> enqueuedAt = new CopyOnWriteArrayList<>();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int w = 0; w < 2; w++) {
                String base = w == 0 ? a("queue-service") : b("queue-service");
                pool.submit(() -> {
                    while (running.get()) {
                        Http.Reply r = Http.send("POST", base + path + "/lease", ApiKeys.WRITER,
                                Map.of("count", 10, "waitMs", 500));
                        for (JsonNode job : r.json().path("jobs")) {
                            ids.add(job.path("id").asText());
                            enqueuedAt.add(Instant.parse(job.path("enqueuedAt").asText()).toEpochMilli());
                            Http.send("POST", base + path + "/jobs/" + job.path("id").asText() + "/ack",
                                    ApiKeys.WRITER, Map.of("token", job.path("token").asText()));
                        }
                    }
                    return null;
                });
            }
            assertThat(Http.send("PUT", b("queue-service") + path + "/schedules/tick", ApiKeys.ADMIN,
                    Map.of("everyMs", 1000, "payload", Map.of("tick", true))).ok()).isTrue();
            Poll.until("the first occurrence", Duration.ofSeconds(10), () -> !enqueuedAt.isEmpty());
            Poll.elapse(Duration.ofSeconds(10));
        } finally {
            running.set(false);
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        Http.send("DELETE", a("queue-service") + path + "/schedules/tick", ApiKeys.ADMIN, null);
        List<Long> times = enqueuedAt.stream().sorted().toList();
        double seconds = (times.get(times.size() - 1) - times.get(0)) / 1000.0;
        System.out.printf("two-replicas recurring: %d occurrences over %.1f s (every 1 s, two replicas checking)%n",
                times.size(), seconds);
        assertThat(ids).hasSize(times.size());
        // n occurrences span n - 1 intervals of ~1 s; twice per tick would be about 2n over the same span.
        // The lower bound only says the schedule ran (an occurrence is skipped while the previous one is still
        // leased, which a loaded machine can cause); the upper bound is the point.
        assertThat(times.size()).as("occurrences over %.1f s", seconds).isBetween((int) (seconds / 2),
                (int) seconds + 2);
    }

    // ---------------------------------------------------------------------------------------------------- cache

    @Test
    void aCacheWriteOnOneReplicaEvictsTheOthersL1() {
        String ns = "/api/v1/cache/default";
        long worst = 0;
        for (int round = 0; round < 20; round++) {
            String key = "rep-co-" + (round % 4);
            String old = "\"old-" + round + "\"";
            put(a("cache-service"), ns + "/entries/" + key, old, null);
            // B holds the old value in its L1 (its reads fill L1 once its invalidation reader tracks the namespace).
            Poll.until("B serves " + key + " from its L1", Duration.ofSeconds(5),
                    () -> get(b("cache-service"), ns + "/entries/" + key),
                    r -> r.level().equals("L1") && r.body().equals(old));
            put(a("cache-service"), ns + "/entries/" + key, "\"new-" + round + "\"", null);
            long written = System.nanoTime();
            String expected = "\"new-" + round + "\"";
            Poll.until("B serves the new value of " + key, Duration.ofSeconds(2),
                    () -> get(b("cache-service"), ns + "/entries/" + key).body(), expected::equals);
            worst = Math.max(worst, System.nanoTime() - written);
        }
        System.out.printf("two-replicas cache: 20 writes on A, B served each new value within %.1f ms (worst)%n",
                worst / 1e6);
        assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofSeconds(1));

        // Tag invalidation through A evicts what B holds in its L1.
        for (int i = 0; i < 5; i++) {
            put(a("cache-service"), ns + "/entries/rep-tag-" + i, "\"t" + i + "\"", "rep-group");
            String key = ns + "/entries/rep-tag-" + i;
            Poll.until("B serves " + key + " from its L1", Duration.ofSeconds(5), () -> get(b("cache-service"), key),
                    r -> r.level().equals("L1"));
        }
        Http.Reply tags = Http.send("POST", a("cache-service") + ns + "/invalidate", ApiKeys.WRITER,
                Map.of("tags", List.of("rep-group")));
        assertThat(tags.status()).isEqualTo(200);
        assertThat(tags.json().path("invalidated").asInt()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            String key = ns + "/entries/rep-tag-" + i;
            Poll.until("B evicted " + key, Duration.ofSeconds(2), () -> get(b("cache-service"), key).status(),
                    s -> s == 404);
        }

        // Pattern invalidation through B (a job) evicts what A holds in its L1; the job is visible on A too.
        for (int i = 0; i < 5; i++) {
            put(b("cache-service"), ns + "/entries/rep-pat:" + i, "\"p" + i + "\"", null);
            String key = ns + "/entries/rep-pat:" + i;
            Poll.until("A serves " + key + " from its L1", Duration.ofSeconds(5), () -> get(a("cache-service"), key),
                    r -> r.level().equals("L1"));
        }
        put(b("cache-service"), ns + "/entries/rep-other", "\"stays\"", null);
        Http.Reply job = Http.send("POST", b("cache-service") + ns + "/invalidate", ApiKeys.WRITER,
                Map.of("pattern", "rep-pat:*"));
        assertThat(job.status()).isEqualTo(202);
        JsonNode done = Poll.until("the pattern job, read on A", Duration.ofSeconds(10),
                () -> Http.send("GET", a("cache-service") + job.json().path("poll").asText(), ApiKeys.READER, null)
                        .json(), j -> "done".equals(j.path("state").asText()));
        assertThat(done.path("done").asLong()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            String key = ns + "/entries/rep-pat:" + i;
            Poll.until("A evicted " + key, Duration.ofSeconds(2), () -> get(a("cache-service"), key).status(),
                    s -> s == 404);
        }
        assertThat(get(a("cache-service"), ns + "/entries/rep-other").body()).isEqualTo("\"stays\"");
    }

    // -------------------------------------------------------------------------------------------------- metrics

    @Test
    void metricsAnswerIdenticallyFromEitherReplicaAndPublishEachRollupOnce() throws Exception {
        String service = "rep-" + Long.toHexString(System.nanoTime());
        long now = System.currentTimeMillis();
        // Three 10 s buckets that are already closable (end + 10 s grace is past), each posted whole through one
        // replica (alternating), so each is closed exactly once with all its samples; plus samples of now through
        // both replicas at once, for the live signal and the open buckets.
        long first = (now / 10_000) * 10_000 - 50_000;
        Map<Long, Integer> sentPerBucket = new TreeMap<>();
        Map<String, Integer> sentPerSeries = new TreeMap<>();
        Random random = new Random(7);
        for (int bucket = 0; bucket < 3; bucket++) {
            long start = first + bucket * 10_000L;
            List<Map<String, Object>> samples = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String endpoint = i % 2 == 0 ? "/a" : "/b";
                int status = i % 10 < 2 ? 503 : 200;
                samples.add(sample(service, endpoint, status, 1 + random.nextInt(500), start + random.nextInt(10_000)));
                sentPerSeries.merge(endpoint + " " + (status / 100) + "xx @" + start / 1000, 1, Integer::sum);
            }
            String base = bucket % 2 == 0 ? a("metrics-service") : b("metrics-service");
            assertThat(Http.send("POST", base + "/api/v1/samples", ApiKeys.WRITER, samples).status()).isEqualTo(202);
            sentPerBucket.put(start / 1000, samples.size());
        }
        long liveFrom = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (String base : List.of(a("metrics-service"), b("metrics-service"))) {
                posts.add(pool.submit(() -> {
                    for (int batch = 0; batch < 10; batch++) {
                        List<Map<String, Object>> samples = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            samples.add(sample(service, "/a", 200, 1 + random.nextInt(900), System.currentTimeMillis()));
                        }
                        assertThat(Http.send("POST", base + "/api/v1/samples", ApiKeys.WRITER, samples).status())
                                .isEqualTo(202);
                    }
                    return null;
                }));
            }
            for (Future<?> f : posts) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = 3 * 200 + 2 * 10 * 100;

        // Once flushed, both replicas answer the same table (throughputPerMin aside: it divides by "now").
        String query = "/api/v1/metrics/endpoints?window=1h&service=" + service;
        JsonNode fromA = Poll.until("every sample counted", Duration.ofSeconds(20),
                () -> Http.send("GET", a("metrics-service") + query, ApiKeys.READER, null).json(),
                t -> count(t) == total);
        // Asked again until equal (a bucket may close between the two reads, moving its source from Redis to
        // MongoDB); two replicas that disagree keep disagreeing and fail here.
        JsonNode fromB = Poll.until("B's answer equal to A's", Duration.ofSeconds(10), () -> List.of(
                withoutThroughput(Http.send("GET", a("metrics-service") + query, ApiKeys.READER, null).json()),
                withoutThroughput(Http.send("GET", b("metrics-service") + query, ApiKeys.READER, null).json())),
                pair -> pair.get(0).equals(pair.get(1))).get(1);
        assertThat(count(fromB)).isEqualTo(total);
        assertThat(fromA.path("items")).hasSize(2);
        String summary = "/api/v1/metrics/services/" + service + "/summary?window=1h";
        Poll.until("B's summary equal to A's", Duration.ofSeconds(10), () -> List.of(
                withoutThroughput(Http.send("GET", a("metrics-service") + summary, ApiKeys.READER, null).json()),
                withoutThroughput(Http.send("GET", b("metrics-service") + summary, ApiKeys.READER, null).json())),
                pair -> pair.get(0).equals(pair.get(1)) && pair.get(0).path("count").asLong() == total);

        // One live event per series per 250 ms tick, from whichever replica holds the publisher lock.
        Poll.elapse(Duration.ofMillis(Math.max(0, 3000 - (System.currentTimeMillis() - liveFrom))));
        long liveTo = System.currentTimeMillis();
        long liveEvents = redis.range("vigil:events:metrics.live", liveFrom).stream()
                .filter(e -> e.millis() <= liveTo)
                .map(e -> payload(e.fields()))
                .filter(p -> service.equals(p.path("service").asText()) && "/a".equals(p.path("endpoint").asText())
                        && "2xx".equals(p.path("statusClass").asText()))
                .count();
        double ticks = (liveTo - liveFrom) / 250.0;
        System.out.printf("two-replicas metrics live: %d events of one series over %.0f ticks%n", liveEvents, ticks);
        assertThat((double) liveEvents).as("live events of one series over %.0f ticks", ticks)
                .isBetween(ticks * 0.25, ticks + 2);

        // Each closed 10 s bucket's rollup is published once per series (4 series: /a and /b, 2xx and 5xx).
        Map<String, List<JsonNode>> rollups = Poll.until("a rollup per series of the three buckets",
                Duration.ofSeconds(40), () -> rollups(service, sentPerBucket.keySet()),
                m -> m.size() >= sentPerSeries.size());
        Poll.elapse(Duration.ofSeconds(3)); // three more close intervals: a second closer would publish by now
        rollups = rollups(service, sentPerBucket.keySet());
        assertThat(rollups.keySet()).isEqualTo(sentPerSeries.keySet());
        rollups.forEach((series, events) -> assertThat(events).as("rollup events of " + series).hasSize(1));
        Map<String, Integer> counted = new TreeMap<>();
        rollups.forEach((series, events) -> counted.put(series, events.get(0).path("count").asInt()));
        assertThat(counted).isEqualTo(sentPerSeries);
        System.out.printf("two-replicas metrics: %d samples through both, identical answers; %d rollup events for "
                + "%d series-buckets%n", total, rollups.values().stream().mapToInt(List::size).sum(), sentPerSeries.size());
    }

    private static Map<String, Object> sample(String service, String endpoint, int status, double ms, long at) {
        return Map.of("service", service, "endpoint", endpoint, "method", "GET", "status", status, "durationMs", ms,
                "timestamp", at);
    }

    private static long count(JsonNode table) {
        long n = 0;
        for (JsonNode row : table.path("items")) {
            n += row.path("count").asLong();
        }
        return n;
    }

    private static JsonNode withoutThroughput(JsonNode json) {
        JsonNode copy = json.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("throughputPerMin");
            object.remove("to"); // "up to now"
        }
        node.forEach(TwoReplicasIT::strip);
    }

    /** 10 s rollup events of {@code service} in the given buckets (epoch s), by series and bucket. */
    private static Map<String, List<JsonNode>> rollups(String service, Set<Long> buckets) {
        Map<String, List<JsonNode>> bySeries = new TreeMap<>();
        for (Resp.Entry e : redis.range("vigil:events:metrics.rollup", 0)) {
            JsonNode p = payload(e.fields());
            if (!service.equals(p.path("service").asText()) || p.path("bucketSeconds").asInt() != 10) {
                continue;
            }
            long start = p.path("bucketStart").isNumber() ? p.path("bucketStart").asLong()
                    : Instant.parse(p.path("bucketStart").asText()).getEpochSecond();
            if (buckets.contains(start)) {
                bySeries.computeIfAbsent(p.path("endpoint").asText() + " " + p.path("statusClass").asText() + " @"
                        + start, k -> new ArrayList<>()).add(p);
            }
        }
        return bySeries;
    }

    // --------------------------------------------------------------------------------------------------- health

    @Test
    void aHealthTargetIsCheckedOncePerIntervalAndChangesStateOnce() {
        String target = "rep-target";
        long streamFrom = System.currentTimeMillis() - 1000;
        Poll.until("no transition in flight", Duration.ofSeconds(10), () -> redis.range(
                "vigil:events:health.transition", System.currentTimeMillis() - 3000).isEmpty());
        long transitionsFrom = System.currentTimeMillis();
        double transitionsBefore = Prom.sum(suite.replicas("health-service"), "vigil_health_transitions_total");
        Http.Reply created = Http.send("POST", a("health-service") + "/api/v1/targets", ApiKeys.ADMIN,
                Map.of("name", target, "type", "http", "url", loopback.url("/hc"), "intervalMs", 1000,
                        "timeoutMs", 900, "failureThreshold", 2));
        assertThat(created.status()).as("%s", created.json()).isEqualTo(201);
        Poll.until("the first checks", Duration.ofSeconds(10), () -> loopback.hits("/hc") >= 2);
        Poll.until("UP on both replicas", Duration.ofSeconds(10), () -> states(target), s -> s.equals(List.of("UP", "UP")));

        int before = loopback.hits("/hc");
        long t0 = System.nanoTime();
        Poll.elapse(Duration.ofSeconds(8));
        int checks = loopback.hits("/hc") - before;
        double intervals = (System.nanoTime() - t0) / 1e9;
        System.out.printf("two-replicas health: %d checks in %.1f s at a 1 s interval, two replicas%n", checks,
                intervals);
        assertThat((double) checks).as("checks in %.1f s", intervals).isBetween(intervals - 2, intervals + 1);

        loopback.answer("/hc", 503);
        Poll.until("DOWN on both replicas", Duration.ofSeconds(10), () -> states(target),
                s -> s.equals(List.of("DOWN", "DOWN")));
        loopback.answer("/hc", 200);
        Poll.until("UP again on both replicas", Duration.ofSeconds(10), () -> states(target),
                s -> s.equals(List.of("UP", "UP")));
        int mark = loopback.hits("/hc");
        Poll.until("two more checks", Duration.ofSeconds(10), () -> loopback.hits("/hc") >= mark + 2);
        List<String> transitions = transitions(target, streamFrom);
        assertThat(transitions).containsExactly("UNKNOWN->UP", "UP->DOWN", "DOWN->UP");
        // Published once: the replicas' transition counters together add up to the transitions on the stream (of
        // every target: the four Vigil services are checked too), not twice as many.
        Poll.until("transition counters equal to the stream", Duration.ofSeconds(10),
                () -> List.of(Prom.sum(suite.replicas("health-service"), "vigil_health_transitions_total")
                        - transitionsBefore, (double) redis.range("vigil:events:health.transition", transitionsFrom)
                                .size()),
                pair -> pair.get(0).equals(pair.get(1)) && pair.get(1) >= 3);
        assertThat(Http.send("DELETE", a("health-service") + "/api/v1/targets/" + target, ApiKeys.ADMIN, null).ok())
                .isTrue();
    }

    private static List<String> states(String target) {
        List<String> states = new ArrayList<>();
        for (String base : List.of(a("health-service"), b("health-service"))) {
            states.add(Http.send("GET", base + "/api/v1/status/targets/" + target, ApiKeys.READER, null).json()
                    .path("state").asText());
        }
        return states;
    }

    private static List<String> transitions(String target, long fromMillis) {
        return redis.range("vigil:events:health.transition", fromMillis).stream().map(e -> payload(e.fields()))
                .filter(p -> target.equals(p.path("target").asText()))
                .map(p -> p.path("from").asText() + "->" + p.path("to").asText()).toList();
    }

    // ---------------------------------------------------------------------------------------------------- alert

    @Test
    void anAlertRuleFiresOnceWithOneNotificationPerStepAndEscalatesOnce() {
        String target = "rep-alerted";
        Map<String, Object> routing = Map.of(
                "receivers", List.of(Map.of("name", "l1", "type", "webhook", "url", loopback.url("/hook/l1")),
                        Map.of("name", "l2", "type", "webhook", "url", loopback.url("/hook/l2"))),
                "route", Map.of("receiver", "l1", "groupBy", List.of("target"), "groupWaitMs", 0,
                        "groupIntervalMs", 300, "escalationPolicy", "rep"),
                "escalationPolicies", List.of(Map.of("name", "rep", "levels", List.of(
                        Map.of("delayMs", 0, "receivers", List.of("l1")),
                        Map.of("delayMs", 2000, "receivers", List.of("l2"))))));
        Http.Reply r = Http.send("PUT", b("alert-service") + "/api/v1/routing", ApiKeys.ADMIN, routing);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        r = Http.send("POST", a("alert-service") + "/api/v1/rules", ApiKeys.ADMIN, Map.of("id", "rep-down",
                "source", "health", "expr", "state == DOWN", "matchers", List.of("target=" + target),
                "severity", "critical", "annotations", Map.of("summary", "{{ $labels.target }} is down")));
        assertThat(r.status()).as("%s", r.json()).isEqualTo(201);
        double firingBefore = Prom.sum(suite.replicas("alert-service"), "vigil_alert_transitions_total",
                "state=\"firing\"");
        double viaQueueBefore = Prom.sum(suite.replicas("alert-service"), "vigil_alert_notifications_routed_total");
        long notificationJobsBefore = notificationJobs();

        r = Http.send("POST", a("health-service") + "/api/v1/targets", ApiKeys.ADMIN, Map.of("name", target,
                "type", "http", "url", loopback.url("/alerted"), "intervalMs", 1000, "timeoutMs", 900,
                "failureThreshold", 2));
        assertThat(r.status()).as("%s", r.json()).isEqualTo(201);
        Poll.until("UP on both health replicas", Duration.ofSeconds(10), () -> states(target),
                s -> s.equals(List.of("UP", "UP")));
        // Rules and routing are reloaded every second on every replica: both know the rule before the breach.
        Poll.elapse(Duration.ofMillis(1500));

        loopback.answer("/alerted", 503);
        Poll.until("the escalation to l2", Duration.ofSeconds(30), () -> loopback.requests("/hook/l2").size() >= 1);
        // Long enough for a second evaluator, escalator or notifier to show: two more escalation delays.
        Poll.elapse(Duration.ofSeconds(4));
        loopback.answer("/alerted", 200);
        Poll.until("the resolved notification", Duration.ofSeconds(30), () -> loopback.requests("/hook/l1").stream()
                .anyMatch(q -> q.body().contains("\"resolved\"")));
        Poll.elapse(Duration.ofSeconds(2)); // a duplicate resolved notification would be on its way by now

        // Only this alert's notifications: the routing sends every alert to l1 and escalates it to l2, so an alert
        // another test left firing would show here too.
        List<String> l1 = kinds(about(target, loopback.requests("/hook/l1")));
        List<String> l2 = kinds(about(target, loopback.requests("/hook/l2")));
        System.out.printf("two-replicas alert: l1 received %s, l2 received %s%n", l1, l2);
        // Level 1 of the policy is the group notification itself; level 2 escalates once.
        assertThat(l1).containsExactly("group firing", "group resolved");
        assertThat(l2).containsExactly("escalation firing");
        Set<String> ids = new HashSet<>();
        for (Loopback.Request q : about(target, loopback.requests("/hook/l1"))) {
            assertThat(ids.add(json(q.body()).path("id").asText())).as("notification id delivered twice").isTrue();
        }

        // One alert, the same on both replicas.
        for (String base : List.of(a("alert-service"), b("alert-service"))) {
            List<JsonNode> alerts = new ArrayList<>();
            Http.send("GET", base + "/api/v1/alerts?state=all", ApiKeys.READER, null).json().forEach(alert -> {
                if ("rep-down".equals(alert.path("rule").asText())
                        || "rep-down".equals(alert.path("labels").path("alertname").asText())) {
                    alerts.add(alert);
                }
            });
            assertThat(alerts).as("alerts of rule rep-down at " + base).hasSize(1);
            assertThat(alerts.get(0).path("state").asText()).isEqualTo("resolved");
        }
        double firing = Prom.sum(suite.replicas("alert-service"), "vigil_alert_transitions_total", "state=\"firing\"")
                - firingBefore;
        assertThat(firing).as("firing transitions counted by both replicas together").isEqualTo(1.0);
        // Three notifications, each routed once, through queue-service (not the direct fallback).
        assertThat(Prom.sum(suite.replicas("alert-service"), "vigil_alert_notifications_routed_total") - viaQueueBefore)
                .as("notifications routed by both replicas together").isEqualTo(3.0);
        assertThat(notificationJobs() - notificationJobsBefore).as("notification jobs enqueued on queue-service")
                .isEqualTo(3);
        Http.send("DELETE", a("health-service") + "/api/v1/targets/" + target, ApiKeys.ADMIN, null);
    }

    /**
     * A3 and A4 through the Alertmanager API, which lets the test choose the replica: several alerts of one group fire
     * through both replicas at once (both flush that group concurrently), then each resolves through the replica that
     * did not fire it, at once (before that replica's once-a-second refresh of its active alerts). Every notification id
     * arrives once, every alert's firing and resolution reach the receiver, and every alert ends resolved on both.
     */
    @Test
    void alertsOfOneGroupFiringAndResolvingOnDifferentReplicasAreEachNotifiedAndNoneIsStuck() throws Exception {
        Map<String, Object> routing = Map.of(
                "receivers", List.of(Map.of("name", "grp", "type", "webhook", "url", loopback.url("/hook/grp"))),
                "route", Map.of("receiver", "grp", "groupBy", List.of("alertname"), "groupWaitMs", 0,
                        "groupIntervalMs", 300));
        Http.Reply r = Http.send("PUT", a("alert-service") + "/api/v1/routing", ApiKeys.ADMIN, routing);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        Poll.elapse(Duration.ofMillis(1500)); // routing is reloaded every second on every replica

        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                posts.add(pool.submit(() -> {
                    String fire = k % 2 == 0 ? a("alert-service") : b("alert-service");
                    String other = k % 2 == 0 ? b("alert-service") : a("alert-service");
                    Instant start = Instant.now();
                    int fired = Http.send("POST", fire + "/api/v2/alerts", ApiKeys.WRITER, List.of(Map.of(
                            "labels", Map.of("alertname", "rep-group", "instance", "i" + k),
                            "startsAt", start.toString(), "endsAt", start.plusSeconds(3600).toString()))).status();
                    // until the firing reached the receiver, then resolved through the other replica at once: endsAt
                    // now, not before startsAt (Alertmanager's API refuses that with 400, and the firing may have
                    // been notified within a second)
                    Poll.until("firing of i" + k + " notified", Duration.ofSeconds(20),
                            () -> groupItems("firing").contains("i" + k));
                    Http.Reply resolved = Http.send("POST", other + "/api/v2/alerts", ApiKeys.WRITER, List.of(Map.of(
                            "labels", Map.of("alertname", "rep-group", "instance", "i" + k),
                            "startsAt", start.toString(), "endsAt", Instant.now().toString())));
                    assertThat(resolved.status()).as("resolution of i%d: %s", k, resolved.json()).isEqualTo(200);
                    return fired;
                }));
            }
            for (Future<Integer> f : posts) {
                assertThat(f.get(60, TimeUnit.SECONDS)).as("firing post accepted").isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> all = new HashSet<>();
        for (int i = 0; i < n; i++) {
            all.add("i" + i);
        }
        Poll.until("every resolution delivered", Duration.ofSeconds(30), () -> groupItems("resolved").containsAll(all));
        for (String base : List.of(a("alert-service"), b("alert-service"))) {
            List<String> states = new ArrayList<>();
            Http.send("GET", base + "/api/v1/alerts?state=all", ApiKeys.READER, null).json().forEach(alert -> {
                if ("rep-group".equals(alert.path("labels").path("alertname").asText())) {
                    states.add(alert.path("state").asText());
                }
            });
            assertThat(states).as("rep-group alerts at " + base).hasSize(n).containsOnly("resolved");
        }
        Poll.elapse(Duration.ofSeconds(1)); // a duplicate flush would be on its way by now
        Set<String> ids = new HashSet<>();
        for (Loopback.Request q : loopback.requests("/hook/grp")) {
            assertThat(ids.add(json(q.body()).path("id").asText())).as("notification id delivered twice").isTrue();
        }
        System.out.printf("two-replicas alert group: %d alerts, %d group notifications%n", n, ids.size());
    }

    /** Instances of rep-group alerts reported with {@code status} in the group notifications received so far. */
    private static Set<String> groupItems(String status) {
        Set<String> out = new HashSet<>();
        for (Loopback.Request q : loopback.requests("/hook/grp")) {
            for (JsonNode item : json(q.body()).path("alerts")) {
                if (status.equals(item.path("status").asText())) {
                    out.add(item.path("labels").path("instance").asText());
                }
            }
        }
        return out;
    }

    /** Jobs ever enqueued on queue-service's notifications queue (duplicates of an idempotency key excluded). */
    private static long notificationJobs() {
        Http.Reply stats = Http.send("GET", a("queue-service") + "/api/v1/queues/notifications/stats", ApiKeys.READER,
                null);
        return stats.status() == 404 ? 0 : stats.json().path("totals").path("enqueued").asLong();
    }

    /** The notifications that report an alert of health target {@code target}. */
    private static List<Loopback.Request> about(String target, List<Loopback.Request> requests) {
        List<Loopback.Request> out = new ArrayList<>();
        for (Loopback.Request q : requests) {
            for (JsonNode item : json(q.body()).path("alerts")) {
                if (target.equals(item.path("labels").path("target").asText())) {
                    out.add(q);
                    break;
                }
            }
        }
        return out;
    }

    private static List<String> kinds(List<Loopback.Request> requests) {
        return requests.stream().map(q -> json(q.body())).map(n -> n.path("kind").asText() + " "
                + n.path("status").asText()).toList();
    }

    // ------------------------------------------------------------------------------------------ scheduled work

    @Test
    void eachRetentionPurgeRunsOncePerIntervalAcrossBothReplicas() {
        // Every replica exposes each of its service's purge counters from start-up, at zero until it runs one.
        PURGES.forEach((service, tasks) -> suite.replicas(service).forEach(replica -> {
            String text = Prom.scrape(replica);
            tasks.forEach(task -> assertThat(Prom.lines(text, "vigil_scheduled_runs_total"))
                    .as("%s at %s", task, replica.baseUrl()).anyMatch(l -> l.contains("task=\"" + task + "\"")));
        }));
        // The @Scheduled purges start 30 s after start-up; wait for each task's first run before measuring.
        Poll.until("a first run of every purge", Duration.ofSeconds(60), TwoReplicasIT::purgeRuns,
                runs -> runs.values().stream().allMatch(n -> n >= 1));
        Map<String, Double> before = purgeRuns();
        long t0 = System.nanoTime();
        Poll.elapse(PURGE_INTERVAL.multipliedBy(8));
        Map<String, Double> after = purgeRuns();
        double intervals = (System.nanoTime() - t0) / (double) PURGE_INTERVAL.toNanos();
        Map<String, String> perReplica = new TreeMap<>();
        PURGES.forEach((service, tasks) -> tasks.forEach(task -> perReplica.put(task, suite.replicas(service).stream()
                .map(r -> String.valueOf((long) Prom.sum(Prom.scrape(r), "vigil_scheduled_runs_total",
                        "task=\"" + task + "\"")))
                .collect(Collectors.joining(" + ")))));
        System.out.printf("two-replicas purges: over %.1f intervals of %d s, runs by both replicas together %s "
                + "(lifetime per replica: %s)%n", intervals, PURGE_INTERVAL.toSeconds(),
                new TreeMap<>(after.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> e.getValue() - before.get(e.getKey())))), perReplica);
        after.forEach((task, total) -> {
            double runs = total - before.get(task);
            // Once per interval; both replicas purging would be about twice the intervals. The lower bound only says
            // the purge kept running (a loaded machine may delay a tick); the upper bound is the point.
            assertThat(runs).as("runs of %s by both replicas over %.1f intervals", task, intervals)
                    .isBetween(intervals - 3, intervals + 1);
        });
    }

    /** {@code vigil_scheduled_runs_total} of each purge task, summed over its service's replicas. */
    private static Map<String, Double> purgeRuns() {
        Map<String, Double> runs = new TreeMap<>();
        PURGES.forEach((service, tasks) -> tasks.forEach(task -> runs.put(task,
                Prom.sum(suite.replicas(service), "vigil_scheduled_runs_total", "task=\"" + task + "\""))));
        return runs;
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static JsonNode payload(Map<String, String> fields) {
        return json(fields.getOrDefault("payload", "{}"));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    /** How many events of {@code type} (whose payload {@code field} is {@code value}) the stream holds per job id. */
    private static Map<String, Long> eventsById(String stream, long fromMillis, String type, String value,
            String field) {
        return redis.range(stream, fromMillis).stream().filter(e -> type.equals(e.fields().get("type")))
                .map(e -> payload(e.fields())).filter(p -> value.equals(p.path(field).asText()))
                .collect(Collectors.groupingBy(p -> p.path("jobId").asText(), HashMap::new, Collectors.counting()));
    }

    private record RawReply(int status, String level, String body) {
    }

    private static RawReply get(String base, String path) {
        return raw(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", ApiKeys.READER).GET());
    }

    private static void put(String base, String path, String json, String tags) {
        String url = base + path + "?ttlMs=600000" + (tags == null ? "" : "&tags=" + tags);
        RawReply r = raw(HttpRequest.newBuilder(URI.create(url)).header("Authorization", ApiKeys.WRITER)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
        assertThat(r.status()).as("PUT %s: %s", path, r.body()).isBetween(200, 204);
    }

    private static RawReply raw(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = RAW.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new RawReply(response.statusCode(), response.headers().firstValue("X-Cache").orElse(""),
                    response.body());
        } catch (IOException e) {
            return new RawReply(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RawReply(-1, "", "interrupted");
        }
    }
}
