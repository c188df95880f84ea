package io.vigil.metrics.otlp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * The OTLP/HTTP receiver driven by the OpenTelemetry Java SDK (a client nobody here wrote) over protobuf and JSON,
 * gzip, against the running service; and every bad input, answered as the OTLP spec asks.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class OtlpReceiverTest {

    @TestHTTPResource("/")
    URL base;

    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    /** Nearest-rank percentile of the exact values: the definition the service estimates. */
    static double exact(double[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    static io.opentelemetry.sdk.resources.Resource resource(String service) {
        return io.opentelemetry.sdk.resources.Resource.builder().put("service.name", service).build();
    }

    /** Generates {@code n} SERVER spans of known durations (and a few CLIENT db spans); returns the durations in ms. */
    static double[] generate(Tracer tracer, int n, long seed) {
        Random random = new Random(seed);
        double[] ms = new double[n];
        long end = System.currentTimeMillis() * 1_000_000L - 5_000_000_000L;
        for (int i = 0; i < n; i++) {
            long nanos = (long) (Math.exp(random.nextGaussian() * 1.2 + 3.5) * 1_000_000) + 1000;
            ms[i] = nanos / 1e6;
            Span span = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(end - nanos, TimeUnit.NANOSECONDS).setAttribute(ROUTE, "/orders/{id}")
                    .setAttribute(METHOD, "GET").setAttribute(STATUS, 200L).startSpan();
            span.end(end, TimeUnit.NANOSECONDS);
        }
        for (int i = 0; i < 30; i++) {
            Span db = tracer.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(end - (i + 1) * 10_000_000L, TimeUnit.NANOSECONDS)
                    .setAttribute("db.system", "postgresql").setAttribute("db.operation.name", "SELECT")
                    .setAttribute("db.collection.name", "orders")
                    .setAttribute("db.query.text", "SELECT * FROM orders WHERE id = ? /* " + i + " */" + "x".repeat(600))
                    .startSpan();
            db.end(end, TimeUnit.NANOSECONDS);
        }
        // No status code, span status ERROR: a 5xx of another endpoint
        tracer.spanBuilder("checkout").setSpanKind(SpanKind.SERVER).setStartTimestamp(end - 1_000_000,
                TimeUnit.NANOSECONDS).startSpan().setStatus(StatusCode.ERROR).end(end, TimeUnit.NANOSECONDS);
        return ms;
    }

    static JsonPath endpoints(String service) {
        return given().header("Authorization", ApiKeys.READER).queryParam("service", service)
                .queryParam("window", "1h").get("/api/v1/metrics/endpoints").then().statusCode(200).extract()
                .jsonPath();
    }

    static void assertPercentiles(String service, String endpoint, double[] durations, double bound) {
        double[] sorted = durations.clone();
        Arrays.sort(sorted);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonPath page = endpoints(service);
            Map<String, Object> row = page.getMap("items.find { it.endpoint == '" + endpoint + "' }");
            assertThat(row).isNotNull();
            assertThat(((Number) row.get("count")).longValue()).isEqualTo(durations.length);
            for (String[] q : new String[][] { { "p50Ms", "0.5" }, { "p90Ms", "0.9" }, { "p95Ms", "0.95" },
                    { "p99Ms", "0.99" } }) {
                double want = exact(sorted, Double.parseDouble(q[1]));
                assertThat(((Number) row.get(q[0])).doubleValue()).as(q[0]).isCloseTo(want,
                        org.assertj.core.data.Offset.offset(want * bound + 0.001));
            }
        });
    }

    @Test
    void javaSdkOverProtobufWithGzipGivesPercentilesWithinOnePercentAndDependencyTimings() {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(base + "v1/traces")
                .addHeader("Authorization", ApiKeys.WRITER).setCompression("gzip").build();
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource("otlp-proto"))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setMaxExportBatchSize(512).setMaxQueueSize(8192).build()).build();
        double[] ms = generate(provider.get("test"), 3000, 1);
        assertThat(provider.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(60, TimeUnit.SECONDS);

        assertPercentiles("otlp-proto", "/orders/{id}", ms, 0.01);
        JsonPath checkout = endpoints("otlp-proto");
        assertThat(checkout.getInt("items.find { it.endpoint == 'checkout' }.errors5xx")).isEqualTo(1);
        // CLIENT db spans: a dependency series, and the slowest statements kept, truncated
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                endpoints("otlp-proto>db:postgresql").getInt("items.find { it.endpoint == 'SELECT orders' }.count"))
                .isEqualTo(30));
        List<Map<String, Object>> slow = given().header("Authorization", ApiKeys.READER)
                .queryParam("service", "otlp-proto").get("/api/v1/otlp/slow-statements").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(slow).hasSize(20);
        assertThat(slow.get(0).get("durationMs")).isEqualTo(300.0f);
        assertThat((String) slow.get(0).get("statement")).startsWith("SELECT * FROM orders WHERE id = ? /* 29 */")
                .hasSize(501);
        assertThat(given().get("/q/metrics").asString())
                .contains("service=\"otlp-proto\"").contains("service=\"otlp-proto>db:postgresql\"");
    }

    @Test
    void javaSdkJsonEncodingWithGzipIsDecodedToTheSamePercentiles() throws Exception {
        List<SpanData> spans = new ArrayList<>();
        SpanExporter collect = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> batch) {
                spans.addAll(batch);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource("otlp-json"))
                .addSpanProcessor(SimpleSpanProcessor.create(collect)).build();
        double[] ms = generate(provider.get("test"), 1000, 2);
        // The SDK's own OTLP JSON encoding (hex ids, string int64s), as its JSON exporters write it
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeJsonTo(json);
        assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"traceId\":\"");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "v1/traces"))
                .header("Authorization", ApiKeys.WRITER).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip(json.toByteArray())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(answer.body()).isEqualTo("{}");
        assertPercentiles("otlp-json", "/orders/{id}", ms, 0.01);
    }

    @Test
    void javaSdkExponentialHistogramsAreCumulativeDeltasAndGaugesAndSumsCustomMetrics() throws Exception {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder().setEndpoint(base + "v1/metrics")
                .addHeader("Authorization", ApiKeys.WRITER).setCompression("gzip")
                .setDefaultAggregationSelector(DefaultAggregationSelector.getDefault().with(InstrumentType.HISTOGRAM,
                        Aggregation.base2ExponentialBucketHistogram()))
                .build();
        PeriodicMetricReader reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build();
        SdkMeterProvider meters = SdkMeterProvider.builder().setResource(resource("otlp-hist"))
                .registerMetricReader(reader).build();
        DoubleHistogram duration = meters.get("test").histogramBuilder("http.server.request.duration").setUnit("s")
                .build();
        LongCounter orders = meters.get("test").counterBuilder("orders.placed").build();
        Attributes attrs = Attributes.of(ROUTE, "/cart", METHOD, "POST", STATUS, 201L);
        Random random = new Random(3);
        double[] ms = new double[2000];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = Math.exp(random.nextGaussian() + 4);
            duration.record(ms[i] / 1000, attrs);
            if (i == 999) {
                // a first cumulative export halfway: the second must count only what came after it
                export(reader);
            }
        }
        orders.add(5, Attributes.of(AttributeKey.stringKey("plan"), "pro"));
        export(reader);
        orders.add(2, Attributes.of(AttributeKey.stringKey("plan"), "pro"));
        export(reader);
        meters.shutdown().join(60, TimeUnit.SECONDS);

        // The SDK lowers the scale from 20 until the values fit 160 buckets; the bound follows from the scale it used
        Map<String, String> estimates = given().header("Authorization", ApiKeys.READER)
                .queryParam("service", "otlp-hist").get("/api/v1/otlp/estimates").then().statusCode(200)
                .extract().jsonPath().getMap("$");
        String source = estimates.get("/cart|POST");
        assertThat(source).startsWith("exponential-histogram scale");
        int scale = Integer.parseInt(source.replaceAll("exponential-histogram scale (-?\\d+):.*", "$1"));
        double bound = Math.pow(2, Math.pow(2, -(scale + 1))) * 1.01 - 1;
        assertPercentiles("otlp-hist", "/cart", ms, bound);
        JsonPath custom = given().header("Authorization", ApiKeys.READER).queryParam("name", "orders_placed")
                .get("/api/v1/custom-metrics").then().statusCode(200).extract().jsonPath();
        assertThat(custom.getDouble("find { it.labels.plan == 'pro' && it.labels.service == 'otlp-hist' }.value"))
                .isEqualTo(7.0);
    }

    /**
     * One export now. The SDK completes a flush before it marks its exporter free again, so a flush right after
     * another can find it "busy" and fail without a cause: that one is tried again (nothing was collected).
     */
    private static void export(PeriodicMetricReader reader) throws InterruptedException {
        for (int attempt = 0;; attempt++) {
            CompletableResultCode flush = reader.forceFlush().join(60, TimeUnit.SECONDS);
            if (flush.isSuccess()) {
                return;
            }
            assertThat(flush.getFailureThrowable()).as("the export failed").isNull();
            assertThat(attempt).as("the exporter stayed busy").isLessThan(100);
            Thread.sleep(10);
        }
    }

    // --- bad input -------------------------------------------------------------------------------------------------

    static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static io.opentelemetry.proto.trace.v1.Span.Builder serverSpan(String route, long durationNanos) {
        long end = System.currentTimeMillis() * 1_000_000L;
        return io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(new byte[8]))
                .setName(route).setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(end - durationNanos).setEndTimeUnixNano(end).addAttributes(kv("http.route", route))
                .addAttributes(kv("http.request.method", "GET"));
    }

    static ExportTraceServiceRequest request(String service, List<io.opentelemetry.proto.trace.v1.Span> spans) {
        Resource.Builder resource = Resource.newBuilder();
        if (service != null) {
            resource.addAttributes(kv("service.name", service));
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))).build();
    }

    static ExtractableResponse<io.restassured.response.Response> postProto(byte[] body, String encoding) {
        var spec = given().header("Authorization", ApiKeys.WRITER).contentType("application/x-protobuf");
        if (encoding != null) {
            spec = spec.header("Content-Encoding", encoding);
        }
        return spec.body(body).post("/v1/traces").then().extract();
    }

    static ExportTraceServiceResponse ok(ExportTraceServiceRequest request) throws Exception {
        var answer = postProto(request.toByteArray(), null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/x-protobuf");
        return ExportTraceServiceResponse.parseFrom(answer.asByteArray());
    }

    static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void undecodableBodiesAre400InTheClientsEncoding() throws Exception {
        var proto = postProto(new byte[] { (byte) 0xff, 0x01, 0x02 }, null);
        assertThat(proto.statusCode()).isEqualTo(400);
        assertThat(proto.contentType()).startsWith("application/x-protobuf");
        com.google.rpc.Status status = com.google.rpc.Status.parseFrom(proto.asByteArray());
        assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
        assertThat(status.getMessage()).contains("undecodable");

        given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body("{\"resourceSpans\": [")
                .post("/v1/traces").then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body("{}")
                .header("Content-Encoding", "gzip").post("/v1/traces").then().statusCode(400);
        given().contentType("application/json").body("{}").post("/v1/traces").then().statusCode(401);
        given().header("Authorization", ApiKeys.READER).contentType("application/json").body("{}")
                .post("/v1/traces").then().statusCode(403);
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("x")
                .post("/v1/traces").then().statusCode(415);
    }

    @Test
    void gzipBombsAndOversizedBodiesAre413() throws Exception {
        // 8 MiB of zeros gzip to ~8 KiB: refused once the test profile's 4 MiB are inflated (32 MiB by default)
        byte[] bomb;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                gz.write(zeros);
            }
        }
        bomb = out.toByteArray();
        assertThat(bomb.length).isLessThan(64 << 10);
        var answer = postProto(bomb, "gzip");
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(com.google.rpc.Status.parseFrom(answer.asByteArray()).getMessage()).contains("inflates");
        assertThat(postProto(new byte[3 << 20], null).statusCode()).isEqualTo(413);
    }

    @Test
    void invalidSpansArePartialSuccessAndTheValidOnesCount() throws Exception {
        ExportTraceServiceResponse noService = ok(request(null, List.of(serverSpan("/a", 1_000_000).build())));
        assertThat(noService.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(noService.getPartialSuccess().getErrorMessage()).contains("service.name");

        ExportTraceServiceResponse bad = ok(request("otlp-bad", List.of(
                serverSpan("/ok", 2_000_000).build(),
                serverSpan("/short-trace", 1_000_000).setTraceId(ByteString.copyFrom(new byte[8])).build(),
                serverSpan("/long-span", 1_000_000).setSpanId(ByteString.copyFrom(new byte[9])).build(),
                serverSpan("/negative", 1_000_000).setStartTimeUnixNano(System.currentTimeMillis() * 1_000_000L
                        + 5_000_000_000L).build())));
        assertThat(bad.getPartialSuccess().getRejectedSpans()).isEqualTo(3);
        assertThat(bad.getPartialSuccess().getErrorMessage()).contains("traceId").contains("spanId")
                .contains("negative duration");

        // JSON ids that are not 32/16 hex digits
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"otlp-bad\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"abcd\",\"spanId\":"
                + "\"zz\",\"name\":\"/j\",\"kind\":2,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}";
        JsonPath partial = given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body(json)
                .post("/v1/traces").then().statusCode(200).contentType("application/json").extract().jsonPath();
        assertThat(partial.getString("partialSuccess.rejectedSpans")).isEqualTo("1");
        assertThat(partial.getString("partialSuccess.errorMessage")).contains("traceId must be 16 bytes");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                endpoints("otlp-bad").getInt("items.find { it.endpoint == '/ok' }.count")).isEqualTo(1));
    }

    @Test
    void tenThousandDistinctRoutesFoldUnderTheCapWithAWarningNotA500() throws Exception {
        List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            spans.add(serverSpan("/users/" + i, 1_000_000).build());
        }
        ExportTraceServiceResponse answer = ok(request("otlp-routes", spans));
        assertThat(answer.getPartialSuccess().getRejectedSpans()).isZero();
        assertThat(answer.getPartialSuccess().getErrorMessage()).contains("cardinality cap");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                endpoints("otlp-routes").getInt("items.find { it.endpoint == 'other' }.count")).isGreaterThan(9_000));
    }

    @Test
    void aServiceSendingSpansHasItsDurationHistogramIgnored() throws Exception {
        ok(request("otlp-both", List.of(serverSpan("/both", 3_000_000).build())));
        long now = System.currentTimeMillis() * 1_000_000L;
        var point = io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder().setStartTimeUnixNano(now - 1)
                .setTimeUnixNano(now).setCount(5).addBucketCounts(5).addBucketCounts(0).addExplicitBounds(0.01)
                .addAttributes(kv("http.route", "/both")).addAttributes(kv("http.request.method", "GET"));
        var metrics = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "otlp-both")))
                        .addScopeMetrics(io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder().addMetrics(
                                io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName(MetricMapper.DURATION)
                                        .setUnit("s").setHistogram(io.opentelemetry.proto.metrics.v1.Histogram
                                                .newBuilder().setAggregationTemporality(io.opentelemetry.proto
                                                        .metrics.v1.AggregationTemporality
                                                        .AGGREGATION_TEMPORALITY_DELTA)
                                                .addDataPoints(point)))))
                .build();
        var answer = given().header("Authorization", ApiKeys.WRITER).contentType("application/x-protobuf")
                .body(metrics.toByteArray()).post("/v1/metrics").then().statusCode(200).extract().asByteArray();
        assertThat(io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.parseFrom(answer)
                .getPartialSuccess().getErrorMessage()).contains("send spans");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                endpoints("otlp-both").getInt("items.find { it.endpoint == '/both' }.count")).isEqualTo(1));
    }
}
