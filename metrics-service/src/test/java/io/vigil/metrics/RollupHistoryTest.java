package io.vigil.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vigil.metrics.api.EndpointStats;
import io.vigil.metrics.domain.EndpointAggregate;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey;
import io.vigil.metrics.domain.SeriesKey.EndpointKey;
import io.vigil.metrics.domain.Window;
import io.vigil.metrics.store.RedisKeys;
import io.vigil.metrics.store.Reports;
import io.vigil.metrics.store.RollupQueries;
import io.vigil.metrics.store.RollupStore;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Closed history: MongoDB is the record, windows are whole buckets, a smaller copy never replaces a bigger one. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(RollupHistoryTest.OldSamples.class)
class RollupHistoryTest {

    /** Accepts samples up to 25 h old, so closed hours and purged resolutions can be reached through ingest. */
    public static class OldSamples implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vigil.metrics.max-sample-age", "25h");
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    RollupStore store;
    @Inject
    Reports reports;
    @Inject
    RollupQueries queries;

    @Test
    void closedHistoryIsReadFromMongoEvenWhenRedisForgetsWhatIsClosed() {
        // Three hours ago: its 10 s, 1 min and 1 h buckets all close at once.
        long hour = Instant.now().minusSeconds(3 * 3600).getEpochSecond() / 3600 * 3600;
        Instant at = Instant.ofEpochSecond(hour + 1200);
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            batch.add(MetricsApiTest.sample("m2-svc", "/h", "GET", i % 20 == 0 ? 503 : 200, i, at.plusMillis(i)));
        }
        MetricsApiTest.post(batch, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> closed(Resolution.RAW, hour + 1200)
                && closed(Resolution.MINUTE, hour + 1200) && closed(Resolution.HOUR, hour));

        String[][] windows = { { iso(hour + 1100), iso(hour + 1300) }, // 10 s buckets
                { iso(hour), iso(hour + 3600) }, // 1 min buckets
                { iso(hour - 6 * 3600), iso(hour + 7200) } }; // 1 h buckets
        List<String> before = new ArrayList<>();
        for (String[] w : windows) {
            JsonPath table = table("m2-svc", w[0], w[1]);
            assertThat(table.getLong("items[0].count")).isEqualTo(200);
            before.add(table.getList("items").toString());
        }
        // Redis loses the record of what is closed (eviction, FLUSH, a lost AOF tail): MongoDB still has the rollups.
        for (Resolution res : Resolution.ALL) {
            redis.key().del(RedisKeys.closedVersions(res));
        }
        for (int i = 0; i < windows.length; i++) {
            assertThat(table("m2-svc", windows[i][0], windows[i][1]).getList("items").toString())
                    .isEqualTo(before.get(i));
        }
    }

    @Test
    void aSmallerCopyOfAClosedBucketNeverReplacesABiggerOne() {
        SeriesKey key = new SeriesKey("m3-svc", "/x", "GET", "2xx");
        long start = Instant.now().getEpochSecond() / 10 * 10 - 600;
        store.upsert(List.of(rollup(key, start, 10)));
        // The replica that closed the bucket before a late sample arrived lands its copy last.
        store.upsert(List.of(rollup(key, start, 9)));
        assertThat(stored(key, start)).isEqualTo(10);
        store.upsert(List.of(rollup(key, start, 11))); // a re-close with the late sample
        assertThat(stored(key, start)).isEqualTo(11);
        store.upsert(List.of(rollup(key, start, 11))); // the same copy again (a closer retry)
        assertThat(stored(key, start)).isEqualTo(11);
    }

    @Test
    void windowsCountWholeBucketsAndSayWhichAndRatesDivideByThem() {
        long t0 = Instant.now().minusSeconds(7200).getEpochSecond() / 60 * 60;
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 3; i++) {
                batch.add(MetricsApiTest.sample("m4-svc", "/w", "GET", 200, 10, Instant.ofEpochSecond(t0 + 10 * b + i)));
            }
        }
        MetricsApiTest.post(batch, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> closed(Resolution.RAW, t0 + 20));
        // to = t0+25 lies inside the third 10 s bucket: that bucket is counted whole, and the answer says so.
        JsonPath table = table("m4-svc", iso(t0), iso(t0 + 25));
        assertThat(table.getString("to")).isEqualTo(iso(t0 + 30));
        assertThat(table.getString("resolution")).isEqualTo("10s");
        assertThat(table.getLong("items[0].count")).isEqualTo(9);
        assertThat(table.getDouble("items[0].throughputPerMin")).isCloseTo(9 / 0.5, within(0.001));
    }

    @Test
    void aShortWindowPastTheRawRetentionReadsTheFinestResolutionStillKept() {
        // 24.5 h ago: 10 s rollups are kept 24 h, 1 min rollups 7 days.
        long t0 = Instant.now().minusSeconds(24 * 3600 + 1800).getEpochSecond() / 60 * 60;
        MetricsApiTest.post(List.of(MetricsApiTest.sample("m4-old", "/o", "GET", 200, 7, Instant.ofEpochSecond(t0 + 5)),
                MetricsApiTest.sample("m4-old", "/o", "GET", 200, 9, Instant.ofEpochSecond(t0 + 65))), 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> closed(Resolution.MINUTE, t0 + 60));
        JsonPath table = table("m4-old", iso(t0), iso(t0 + 600));
        assertThat(table.getString("resolution")).isEqualTo("1m");
        assertThat(table.getLong("items[0].count")).isEqualTo(2);
        given().header("Authorization", ApiKeys.READER).queryParam("service", "m4-old").queryParam("step", "10s")
                .queryParam("from", iso(t0)).queryParam("to", iso(t0 + 600)).get("/api/v1/metrics/series")
                .then().statusCode(400).body("errors[0].field", org.hamcrest.Matchers.equalTo("step"));
    }

    @Test
    void theCachedMergeOfClosedHoursAnswersExactlyAsMergingEveryRollupOneByOne() {
        // Four closed hours and the open one; two endpoints, three status classes, durations with fractions (so the
        // sums' order of addition would show in the last bit).
        long hour = Instant.now().getEpochSecond() / 3600 * 3600;
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int h = 1; h <= 4; h++) {
            for (int i = 0; i < 60; i++) {
                batch.add(MetricsApiTest.sample("m5-svc", i % 2 == 0 ? "/a" : "/b", "GET", new int[] { 200, 404, 503 }[i % 3],
                        1.37 * i + h / 7.0, Instant.ofEpochSecond(hour - h * 3600 + 60 * i)));
            }
        }
        batch.add(MetricsApiTest.sample("m5-svc", "/a", "GET", 200, 3.3, Instant.now().minusSeconds(1)));
        MetricsApiTest.post(batch, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> closed(Resolution.HOUR, hour - 3600)
                && closed(Resolution.HOUR, hour - 4 * 3600));
        Window w = Window.parse(null, iso(hour - 8 * 3600), iso(hour + 3600), System.currentTimeMillis(),
                res -> Duration.ofDays(365));
        assertThat(w.resolution()).isEqualTo(Resolution.HOUR);
        Reports.Filter all = new Reports.Filter(Optional.of("m5-svc"), Optional.empty(), Optional.empty());

        List<EndpointStats> fast = reports.table(w, all);
        assertThat(fast).hasSize(2).isEqualTo(fullMerge(w, "m5-svc")).isEqualTo(reports.table(w, all)); // miss, then hit
        assertThat(fast.stream().mapToLong(EndpointStats::count).sum()).isEqualTo(241);

        // A late sample re-closes an hour: its counter changes, the cached merge is not used any more.
        MetricsApiTest.post(List.of(MetricsApiTest.sample("m5-svc", "/b", "GET", 200, 9.9,
                Instant.ofEpochSecond(hour - 2 * 3600 + 5))), 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> reports.table(w, all).stream()
                .mapToLong(EndpointStats::count).sum() == 242);
        assertThat(reports.table(w, all)).isEqualTo(fullMerge(w, "m5-svc"));
    }

    @Test
    void anOpenHourIsReadAsItsClosedMinutesPlusItsOpenOnesWithTheSameAnswerAsItsHourHashes() {
        long hour = awaitMidHour();
        long now = Instant.now().getEpochSecond();
        // Both sides of the hour boundary (the previous hour's last second, this hour's first), minutes of this hour
        // that are closed by now, and the minute still open.
        List<Map<String, Object>> batch = new ArrayList<>();
        batch.add(MetricsApiTest.sample("m6-svc", "/a", "GET", 200, 4.321, Instant.ofEpochSecond(hour - 1)));
        batch.add(MetricsApiTest.sample("m6-svc", "/a", "GET", 503, 1.001, Instant.ofEpochSecond(hour)));
        for (int i = 0; i < 90; i++) {
            batch.add(MetricsApiTest.sample("m6-svc", i % 2 == 0 ? "/a" : "/b", "GET", new int[] { 200, 404, 503 }[i % 3],
                    0.37 * i + 1 / 7.0, Instant.ofEpochSecond(hour + (now - hour) * i / 90)));
        }
        batch.add(MetricsApiTest.sample("m6-svc", "/b", "GET", 200, 2.5, Instant.ofEpochSecond(now)));
        MetricsApiTest.post(batch, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> closed(Resolution.HOUR, hour - 1)
                && closed(Resolution.MINUTE, hour) && closed(Resolution.MINUTE, now - 70));
        Window w = Window.parse(null, iso(hour - 3 * 3600), iso(hour + 3600), System.currentTimeMillis(),
                res -> Duration.ofDays(365));
        Reports.Filter all = new Reports.Filter(Optional.of("m6-svc"), Optional.empty(), Optional.empty());

        List<EndpointStats> expected = fullMerge(w, "m6-svc"); // this hour read as its 1 h hashes
        assertThat(expected.stream().mapToLong(EndpointStats::count).sum()).isEqualTo(93);
        assertThat(reports.table(w, all)).isEqualTo(expected).isEqualTo(reports.table(w, all)); // miss, then hit
        // Without this hour's 1 h hashes the answer is the same: it comes from the minutes.
        for (String endpoint : List.of("/a", "/b")) {
            for (String status : List.of("2xx", "4xx", "5xx")) {
                redis.key().del(RedisKeys.bucket(new SeriesKey("m6-svc", endpoint, "GET", status).id(), Resolution.HOUR,
                        hour));
            }
        }
        assertThat(reports.table(w, all)).isEqualTo(expected);
    }

    @Test
    void aMinuteClosingWhileQueriesRunIsNeitherMissedNorCountedTwice() throws Exception {
        long hour = awaitMidHour();
        long minute = (Instant.now().getEpochSecond() - 65) / 60 * 60;
        assertThat(minute).isGreaterThanOrEqualTo(hour);
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(MetricsApiTest.sample("m7-svc", "/c", "GET", new int[] { 200, 404, 503 }[i % 3], 1.3 * i + 0.001,
                    Instant.ofEpochSecond(minute + i)));
        }
        MetricsApiTest.post(batch, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> closed(Resolution.MINUTE, minute));
        long version = version(Resolution.MINUTE, minute);
        Window w = Window.parse(null, iso(hour - 3600), iso(hour + 3600), System.currentTimeMillis(),
                res -> Duration.ofDays(365));
        Reports.Filter all = new Reports.Filter(Optional.of("m7-svc"), Optional.empty(), Optional.empty());
        List<EndpointStats> before = fullMerge(w, "m7-svc");

        // Queries run all along while a late sample reopens the closed minute and it is closed again.
        record Answer(long startedNs, List<EndpointStats> rows) {
        }
        // Read while the queries thread appends: a weakly consistent queue, never a ConcurrentModificationException.
        java.util.Queue<Answer> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread queriesThread = new Thread(() -> {
            while (!stop.get()) {
                answers.add(new Answer(System.nanoTime(), reports.table(w, all)));
            }
        });
        queriesThread.start();
        long postStarted = System.nanoTime();
        MetricsApiTest.post(List.of(MetricsApiTest.sample("m7-svc", "/c", "GET", 200, 7.77,
                Instant.ofEpochSecond(minute + 30))), 202);
        long postAnswered = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> version(Resolution.MINUTE, minute) > version);
        long closedAgain = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream().filter(a -> a.startedNs() > closedAgain).count() >= 3);
        stop.set(true);
        queriesThread.join();

        List<EndpointStats> after = fullMerge(w, "m7-svc");
        assertThat(after.get(0).count()).isEqualTo(before.get(0).count() + 1);
        assertThat(answers.stream().filter(a -> a.startedNs() > postAnswered)).isNotEmpty()
                .allSatisfy(a -> assertThat(a.rows()).isEqualTo(after));
        assertThat(answers.stream().filter(a -> a.startedNs() < postStarted))
                .allSatisfy(a -> assertThat(a.rows()).isEqualTo(before));
        assertThat(answers).allSatisfy(a -> assertThat(a.rows()).isIn(before, after));
    }

    /** The current hour once it is at least 75 s old and 60 s from its end (so a closed minute of it exists). */
    private static long awaitMidHour() {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> Instant.now().getEpochSecond() % 3600 >= 75 && Instant.now().getEpochSecond() % 3600 < 3540);
        return Instant.now().getEpochSecond() / 3600 * 3600;
    }

    private long version(Resolution res, long start) {
        String v = redis.hash(String.class).hget(RedisKeys.closedVersions(res), Long.toString(start));
        return v == null ? 0 : Long.parseLong(v);
    }

    /** The answer as merging every rollup of the window one by one (what the table did before the cached merges). */
    private List<EndpointStats> fullMerge(Window w, String service) {
        Map<EndpointKey, EndpointAggregate> rows = new TreeMap<>(Comparator.comparing(EndpointKey::endpoint));
        for (Rollup r : queries.rollups(w, Optional.of(service))) {
            rows.computeIfAbsent(r.key().endpointKey(), k -> new EndpointAggregate()).add(r);
        }
        List<EndpointStats> out = new ArrayList<>();
        rows.forEach((key, agg) -> out.add(EndpointStats.of(key, agg, w.minutes())));
        return out;
    }

    private static Rollup rollup(SeriesKey key, long start, long count) {
        return new Rollup(key, Resolution.RAW, start, new int[] { 100 }, new long[] { count }, count, count * 5.0,
                5.0, 0, 0);
    }

    private long stored(SeriesKey key, long start) {
        return store.find(Resolution.RAW, start, start + 10, Optional.of(key.service())).get(0).count();
    }

    private boolean closed(Resolution res, long at) {
        long start = at - Math.floorMod(at, res.seconds());
        return redis.hash(String.class).hexists(RedisKeys.closedVersions(res), Long.toString(start));
    }

    private static JsonPath table(String service, String from, String to) {
        return given().header("Authorization", ApiKeys.READER).queryParam("service", service)
                .queryParam("from", from).queryParam("to", to).get("/api/v1/metrics/endpoints").then()
                .statusCode(200).extract().jsonPath();
    }

    private static String iso(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).toString();
    }
}
