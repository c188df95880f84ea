package io.vigil.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vigil.common.event.Streams;
import io.vigil.metrics.domain.LatencyBins;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.store.RedisKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class MetricsApiTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper mapper;

    static Map<String, Object> sample(String service, String endpoint, String method, int status, double ms,
            Instant at) {
        Map<String, Object> s = new HashMap<>();
        s.put("service", service);
        s.put("endpoint", endpoint);
        s.put("method", method);
        s.put("status", status);
        s.put("durationMs", ms);
        s.put("timestamp", at.toString());
        return s;
    }

    static JsonPath post(List<?> samples, int expectedStatus) {
        return given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(samples)
                .post("/api/v1/samples").then().statusCode(expectedStatus).extract().jsonPath();
    }

    static JsonPath endpoints(String service, String window) {
        return given().header("Authorization", ApiKeys.READER).queryParam("service", service)
                .queryParam("window", window).get("/api/v1/metrics/endpoints").then().statusCode(200)
                .extract().jsonPath();
    }

    /** Nearest-rank percentile of the exact values: the definition the service estimates. */
    static double exact(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    @Test
    void percentilesAreWithinTheStatedErrorOfExactValues() {
        Random random = new Random(42);
        int n = 20_000;
        double[] values = new double[n];
        List<Map<String, Object>> batch = new ArrayList<>();
        Instant now = Instant.now();
        int errors4xx = 0;
        int errors5xx = 0;
        for (int i = 0; i < n; i++) {
            // Log-normal latencies around 80 ms with a long tail, plus a few multi-second outliers.
            double ms = Math.exp(Math.log(80) + 0.9 * random.nextGaussian());
            if (random.nextInt(500) == 0) {
                ms = 2000 + random.nextDouble() * 8000;
            }
            values[i] = ms;
            int r = random.nextInt(100);
            int status = r < 3 ? 500 : r < 8 ? 404 : 200;
            errors4xx += status == 404 ? 1 : 0;
            errors5xx += status == 500 ? 1 : 0;
            batch.add(sample("acc-svc", "/orders/{id}", "GET", status, ms, now.minusMillis(random.nextInt(5000))));
            if (batch.size() == 5000) {
                post(batch, 202).getInt("accepted");
                batch = new ArrayList<>();
            }
        }
        Arrays.sort(values);

        JsonPath table = endpoints("acc-svc", "1h");
        assertThat(table.getList("items")).hasSize(1);
        assertThat(table.getLong("items[0].count")).isEqualTo(n);
        assertThat(table.getLong("items[0].errors4xx")).isEqualTo(errors4xx);
        assertThat(table.getLong("items[0].errors5xx")).isEqualTo(errors5xx);
        for (String[] p : new String[][] { { "p50Ms", "0.5" }, { "p90Ms", "0.9" }, { "p95Ms", "0.95" },
                { "p99Ms", "0.99" } }) {
            double expected = exact(values, Double.parseDouble(p[1]));
            double actual = table.getDouble("items[0]." + p[0]);
            assertThat(actual).as(p[0]).isCloseTo(expected, within(expected * LatencyBins.ALPHA + 0.001));
        }
        assertThat(table.getDouble("items[0].maxMs")).isCloseTo(values[n - 1], within(0.001));

        // The same data through the series query sums to the same count.
        JsonPath series = given().header("Authorization", ApiKeys.READER).queryParam("service", "acc-svc")
                .queryParam("window", "1h").queryParam("step", "1m").queryParam("metric", "count")
                .get("/api/v1/metrics/series").then().statusCode(200).extract().jsonPath();
        double total = series.getList("points.value", Float.class).stream().mapToDouble(Float::doubleValue).sum();
        assertThat(total).isEqualTo(n);
        assertThat(series.getList("points")).hasSizeBetween(60, 62);
    }

    @Test
    void malformedSamplesAreListedAndTheValidOnesStored() {
        Instant now = Instant.now();
        Map<String, Object> noDuration = sample("bad-svc", "/a", "GET", 200, 1, now);
        noDuration.remove("durationMs");
        Map<String, Object> badStatus = sample("bad-svc", "/a", "GET", 999, 5, now);
        badStatus.put("timestamp", "yesterday");
        List<Object> batch = List.of(sample("bad-svc", "/a", "GET", 200, 10, now), noDuration,
                sample("bad-svc", "/a", "POST", 201, 20, now), badStatus, "not an object",
                sample("bad-svc", "/b", "GET", 503, 30, now));

        JsonPath result = post(batch, 207);
        assertThat(result.getInt("accepted")).isEqualTo(3);
        assertThat(result.getList("rejected.index", Integer.class)).containsExactly(1, 3, 4);
        assertThat(result.getList("rejected[0].errors.field", String.class)).containsExactly("samples[1].durationMs");
        assertThat(result.getList("rejected[1].errors.field", String.class))
                .containsExactlyInAnyOrder("samples[3].status", "samples[3].timestamp");

        JsonPath table = endpoints("bad-svc", "1h");
        assertThat(table.getList("items.count", Long.class).stream().mapToLong(Long::longValue).sum()).isEqualTo(3);

        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(List.of(noDuration))
                .post("/api/v1/samples").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("samples[0].durationMs"));
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body("{\"x\": 1}")
                .post("/api/v1/samples").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void unknownWindowStepOrMetricIsBadRequest() {
        given().header("Authorization", ApiKeys.READER).queryParam("window", "2w").get("/api/v1/metrics/endpoints")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("window"));
        given().header("Authorization", ApiKeys.READER).queryParam("step", "7m").get("/api/v1/metrics/series")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("step"));
        given().header("Authorization", ApiKeys.READER).queryParam("metric", "p42").get("/api/v1/metrics/series")
                .then().statusCode(400).body("errors[0].field", equalTo("metric"));
        given().header("Authorization", ApiKeys.READER).queryParam("window", "7d").queryParam("step", "10s")
                .get("/api/v1/metrics/series").then().statusCode(400).body("errors[0].field", equalTo("step"));
        given().header("Authorization", ApiKeys.READER).queryParam("from", "2026-01-02T00:00:00Z")
                .queryParam("to", "2026-01-01T00:00:00Z").get("/api/v1/metrics/endpoints").then().statusCode(400);
    }

    @Test
    void writesNeedTheWriterRole() {
        given().contentType(ContentType.JSON).body("[]").post("/api/v1/samples").then().statusCode(401);
        given().header("Authorization", ApiKeys.READER).contentType(ContentType.JSON).body("[]")
                .post("/api/v1/samples").then().statusCode(403);
        given().get("/api/v1/metrics/endpoints").then().statusCode(401);
    }

    @Test
    void slowRequestsAreCountedAndKeptWithTheirDetails() {
        Instant now = Instant.now();
        post(List.of(sample("slow-svc", "/reports", "GET", 200, 1500, now),
                sample("slow-svc", "/reports", "GET", 200, 6000, now.minusMillis(10)),
                sample("slow-svc", "/reports", "GET", 200, 12, now)), 202);

        given().header("Authorization", ApiKeys.READER).queryParam("service", "slow-svc")
                .get("/api/v1/metrics/slow-requests").then().statusCode(200).body("", hasSize(2))
                .body("[0].durationMs", equalTo(1500.0f)).body("[0].severity", equalTo("warn"))
                .body("[1].severity", equalTo("critical")).body("[1].endpoint", equalTo("/reports"));
        JsonPath table = endpoints("slow-svc", "15m");
        assertThat(table.getLong("items[0].slowWarn")).isEqualTo(2);
        assertThat(table.getLong("items[0].slowCritical")).isEqualTo(1);

        given().header("Authorization", ApiKeys.READER).queryParam("service", "slow-svc")
                .queryParam("window", "1h").get("/api/v1/metrics/top-slow").then().statusCode(200)
                .body("[0].endpoint", equalTo("/reports"));
    }

    @Test
    void endpointsOverTheCapFoldIntoOtherAndTheFoldIsCounted() {
        Instant now = Instant.now();
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(sample("fold-svc", "/e" + i, "GET", 200, 5 + i, now));
        }
        post(batch, 202);
        JsonPath table = endpoints("fold-svc", "1h");
        List<String> names = table.getList("items.endpoint", String.class);
        assertThat(names).hasSize(6).contains("other");
        assertThat(table.getLong("items.find { it.endpoint == 'other' }.count")).isEqualTo(3);

        given().header("Authorization", ApiKeys.READER).get("/api/v1/metrics/services/fold-svc/summary?window=1h")
                .then().statusCode(200).body("count", equalTo(8)).body("foldedSamples", equalTo(3))
                .body("endpoints", equalTo(6));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("vigil_metrics_endpoint_folds_total{service=\"fold-svc\"} 3.0"))
                .body(containsString("endpoint=\"other\""));
    }

    @Test
    void prometheusExportIsAHistogramWithFixedBuckets() {
        post(List.of(sample("prom-svc", "/p", "GET", 200, 7, Instant.now()),
                sample("prom-svc", "/p", "GET", 200, 300, Instant.now())), 202);
        String text = given().accept("text/plain;version=0.0.4").get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertThat(text).contains("# TYPE vigil_http_request_duration_seconds histogram");
        String labels = "endpoint=\"/p\",method=\"GET\",service=\"prom-svc\",status_class=\"2xx\"";
        assertThat(text).containsPattern("vigil_http_request_duration_seconds_bucket\\{[^}]*le=\"0\\.005\"[^}]*\\} 0\\.0|"
                + "vigil_http_request_duration_seconds_bucket\\{.*service=\"prom-svc\".*le=\"0\\.005\".*\\} 0\\.0");
        // The histogram's series only: the service's fold counter (registered at zero) carries the label too.
        List<String> series = text.lines().filter(l -> l.startsWith("vigil_http_request_duration_seconds")
                && l.contains("service=\"prom-svc\"")).toList();
        assertThat(series).anyMatch(l -> l.startsWith("vigil_http_request_duration_seconds_bucket") && l.contains("le=\"0.01\"") && l.endsWith(" 1.0"));
        assertThat(series).anyMatch(l -> l.startsWith("vigil_http_request_duration_seconds_bucket") && l.contains("le=\"+Inf\"") && l.endsWith(" 2.0"));
        assertThat(series).anyMatch(l -> l.startsWith("vigil_http_request_duration_seconds_count") && l.endsWith(" 2.0"));
        assertThat(series).hasSize(14);
        assertThat(labels).isNotEmpty();
        // Every non-comment line is "name{labels} value" as the text exposition format requires.
        text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> assertThat(l)
                .matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eEINaf]+( [0-9]+)?"));
    }

    @Test
    void aClosedBucketIsPersistedAndPublishedAsARollupEvent() throws Exception {
        Instant past = Instant.now().minusSeconds(40);
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            batch.add(sample("rollup-svc", "/r", "PUT", i % 10 == 0 ? 500 : 200, i, past));
        }
        post(batch, 202);

        List<JsonNode> payloads = await().atMost(Duration.ofSeconds(20))
                .until(() -> rawRollups("rollup-svc"), found -> found.size() == 2);
        assertThat(payloads).hasSize(2);
        JsonNode ok = payloads.stream().filter(p -> p.get("statusClass").asText().equals("2xx")).findFirst().get();
        JsonNode failed = payloads.stream().filter(p -> p.get("statusClass").asText().equals("5xx")).findFirst().get();
        assertThat(ok.get("count").asLong()).isEqualTo(90);
        assertThat(failed.get("count").asLong()).isEqualTo(10);
        assertThat(failed.get("errors5xx").asLong()).isEqualTo(10);
        assertThat(failed.get("maxMs").asDouble()).isEqualTo(100);
        assertThat(ok.get("p99Ms").asDouble()).isCloseTo(99, within(1.0));
        assertThat(ok.get("bucketStart").asText()).endsWith("Z");

        // Persisted: the 10 s window reads it back from MongoDB once no longer open.
        given().header("Authorization", ApiKeys.READER).queryParam("service", "rollup-svc").queryParam("window", "15m")
                .get("/api/v1/metrics/endpoints").then().statusCode(200).body("items[0].count", equalTo(100))
                .body("items[0].errors5xx", equalTo(10));
    }

    @Test
    void aBucketClosedAgainPublishesOnlyTheSeriesWhoseTotalsChanged() {
        Instant past = Instant.now().minusSeconds(40);
        long start = past.getEpochSecond() / 10 * 10;
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            batch.add(sample("reclose-svc", "/r", "GET", i <= 8 ? 200 : 503, i, past));
        }
        post(batch, 202);
        await().atMost(Duration.ofSeconds(20)).until(() -> rawRollups("reclose-svc"), found -> found.size() == 2);

        // Put back into the open set without a change (what a flush's "open again" does when no closer came between):
        // it is closed a second time, and publishes nothing.
        redis.sortedSet(Long.class).zadd(RedisKeys.open(Resolution.RAW), start, start);
        await().atMost(Duration.ofSeconds(20)).until(() -> timesClosed(start) == 2);
        assertThat(rawRollups("reclose-svc")).hasSize(2);

        // A late sample changes one series: only that series gets a newer event.
        post(List.of(sample("reclose-svc", "/r", "GET", 200, 50, past)), 202);
        List<JsonNode> events = await().atMost(Duration.ofSeconds(20))
                .until(() -> rawRollups("reclose-svc"), found -> found.size() == 3);
        List<String> published = events.stream()
                .map(e -> e.get("statusClass").asText() + " " + e.get("count").asLong()).toList();
        assertThat(published.subList(0, 2)).containsExactlyInAnyOrder("2xx 8", "5xx 2");
        assertThat(published.get(2)).isEqualTo("2xx 9");
    }

    private long timesClosed(long start) {
        String n = redis.hash(String.class).hget(RedisKeys.closedVersions(Resolution.RAW), Long.toString(start));
        return n == null ? 0 : Long.parseLong(n);
    }

    /** The 10 s rollup events of one service published so far, oldest first. */
    private List<JsonNode> rawRollups(String service) {
        return redis.stream(String.class).xrange(Streams.METRICS_ROLLUP,
                io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload).filter(f -> f.get("payload").contains(service))
                .map(f -> read(f.get("payload"))).filter(p -> p.get("bucketSeconds").asLong() == 10).toList();
    }

    @Test
    void samplesXaddedToTheStreamAreAggregatedAndAcknowledged() throws Exception {
        var streams = redis.stream(String.class);
        long now = System.currentTimeMillis();
        streams.xadd(Streams.INGEST_SAMPLES, Map.of("service", "stream-svc", "endpoint", "/s", "method", "get",
                "status", "200", "durationMs", "12.5", "timestamp", Long.toString(now)));
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(sample("stream-svc", "/s", "GET", 200, i + 1, Instant.ofEpochMilli(now)));
        }
        many.add(sample("stream-svc", "/s", "GET", 200, -1, Instant.ofEpochMilli(now)));
        String partlyBad = streams.xadd(Streams.INGEST_SAMPLES, Map.of("samples", mapper.writeValueAsString(many)));
        String bad = streams.xadd(Streams.INGEST_SAMPLES, Map.of("samples", "{not json"));

        await().atMost(Duration.ofSeconds(15)).until(() -> endpoints("stream-svc", "1h")
                .getList("items.count", Long.class).stream().mapToLong(Long::longValue).sum() == 51
                && streams.xpending(Streams.INGEST_SAMPLES, "metrics-service").getPendingCount() == 0);
        // Both entries with invalid samples were copied to the dead letters, once each.
        List<String> copies = streams.xrange(Streams.deadLetter(Streams.INGEST_SAMPLES, "metrics-service"),
                io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .map(m -> m.payload().get("originalId")).filter(id -> id.equals(partlyBad) || id.equals(bad)).toList();
        assertThat(copies).containsExactlyInAnyOrder(partlyBad, bad);
    }

    @Test
    void csvExportHasAHeaderAndOneRowPerEndpoint() {
        post(List.of(sample("csv-svc", "/a,b", "GET", 200, 10, Instant.now()),
                sample("csv-svc", "/c", "POST", 404, 20, Instant.now())), 202);
        String csv = given().header("Authorization", ApiKeys.READER).queryParam("service", "csv-svc")
                .queryParam("format", "csv").get("/api/v1/metrics/endpoints").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).startsWith("service,endpoint,method,count");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("csv-svc,\"/a,b\",GET,1,");
        assertThat(lines.get(2)).startsWith("csv-svc,/c,POST,1,");
    }

    @Test
    void pagingUsesLimitAndCursor() {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(sample("page-svc", "/p" + i, "GET", 200, 10, Instant.now()));
        }
        post(batch, 202);
        JsonPath first = given().header("Authorization", ApiKeys.READER).queryParam("service", "page-svc")
                .queryParam("limit", 2).get("/api/v1/metrics/endpoints").then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items")).hasSize(2);
        given().header("Authorization", ApiKeys.READER).queryParam("service", "page-svc").queryParam("limit", 2)
                .queryParam("cursor", first.getString("nextCursor")).get("/api/v1/metrics/endpoints").then()
                .statusCode(200).body("items", hasSize(1)).body("items[0].endpoint", equalTo("/p2"));
    }

    @Test
    void customCountersAddAndGaugesOverwrite() {
        String body = "[{\"name\":\"orders_total\",\"type\":\"counter\",\"value\":2,\"labels\":{\"plan\":\"pro\"}},"
                + "{\"name\":\"orders_total\",\"type\":\"counter\",\"value\":3,\"labels\":{\"plan\":\"pro\"}},"
                + "{\"name\":\"queue_depth\",\"type\":\"gauge\",\"value\":7},"
                + "{\"name\":\"queue_depth\",\"type\":\"gauge\",\"value\":4}]";
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(body)
                .post("/api/v1/custom-metrics").then().statusCode(202);
        given().header("Authorization", ApiKeys.READER).get("/api/v1/custom-metrics").then().statusCode(200)
                .body("find { it.name == 'orders_total' }.value", equalTo(5.0f))
                .body("find { it.name == 'orders_total' }.labels.plan", equalTo("pro"))
                .body("find { it.name == 'queue_depth' }.value", equalTo(4.0f));
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body("[{\"name\":\"bad name\",\"type\":\"histogram\",\"value\":1}]").post("/api/v1/custom-metrics")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
