import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.ByteString;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * OTLP/HTTP protobuf (batches of 512 spans, the SDKs' default) against the JSON samples path (batches of 512
 * samples) in the same run, same concurrency, same timings; p99 export latency as the exporter sees it; and Redis
 * memory per 1,000 active series. Args: base url, writer key, redis port.
 */
public class Bench {

    static final int BATCH = 512;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue kv(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    /** One batch as both encodings: OTLP protobuf spans and the equivalent JSON samples. */
    record Batch(byte[] otlp, byte[] json) {
    }

    static Batch batch(Random r, String service, int routes, long endNanos) {
        Span.Builder span = Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_SERVER);
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        StringBuilder json = new StringBuilder("[");
        byte[] trace = new byte[16];
        byte[] id = new byte[8];
        for (int i = 0; i < BATCH; i++) {
            r.nextBytes(trace);
            r.nextBytes(id);
            String route = "/api/items/" + r.nextInt(routes) + "/{id}";
            long nanos = (long) (Math.exp(r.nextGaussian() + 3) * 1_000_000);
            scope.addSpans(span.clone().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id))
                    .setName("GET " + route).setStartTimeUnixNano(endNanos - nanos).setEndTimeUnixNano(endNanos)
                    .addAttributes(kv("http.route", route)).addAttributes(kv("http.request.method", "GET"))
                    .addAttributes(kv("http.response.status_code", 200)).addAttributes(kv("url.path", "/api/items/1"))
                    .build());
            json.append(i == 0 ? "" : ",").append("{\"service\":\"").append(service).append("-json\",\"endpoint\":\"")
                    .append(route).append("\",\"method\":\"GET\",\"status\":200,\"durationMs\":").append(nanos / 1e6)
                    .append(",\"timestamp\":").append(endNanos / 1_000_000).append('}');
        }
        ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans
                .newBuilder().setResource(Resource.newBuilder().addAttributes(kv("service.name", service + "-otlp")))
                .addScopeSpans(scope)).build();
        return new Batch(req.toByteArray(), json.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Runs {@code clients} senders for {@code seconds}; returns {spans per second, p99 ms, p50 ms}. */
    static double[] drive(String url, String type, String key, List<byte[]> bodies, int clients, double seconds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong sent = new AtomicLong();
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int offset = c;
            futures.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                for (int i = offset; System.nanoTime() < end; i++) {
                    byte[] body = bodies.get(i % bodies.size());
                    long t0 = System.nanoTime();
                    HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", type).header("Authorization", "Bearer " + key)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    latencies.add(System.nanoTime() - t0);
                    if (r.statusCode() / 100 != 2) {
                        throw new IllegalStateException(url + " answered " + r.statusCode());
                    }
                    sent.addAndGet(BATCH);
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        return new double[] { sent.get() / seconds, sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / 1e6,
                sorted[(int) Math.ceil(0.5 * sorted.length) - 1] / 1e6 };
    }

    static long redisMemory(int port) throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "info", "memory").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor();
        return out.lines().filter(l -> l.startsWith("used_memory:")).mapToLong(l -> Long.parseLong(l.substring(12)
                .strip())).findFirst().orElseThrow();
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int redisPort = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(System.getProperty("seconds", "15"));
        int clients = Integer.getInteger("clients", 4);
        Random r = new Random(1);
        long endNanos = System.currentTimeMillis() * 1_000_000L;
        List<byte[]> otlp = new ArrayList<>();
        List<byte[]> json = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Batch b = batch(r, "bench", 50, endNanos);
            otlp.add(b.otlp());
            json.add(b.json());
        }
        System.out.printf("batch of %d: OTLP protobuf %d bytes, JSON samples %d bytes%n", BATCH, otlp.get(0).length,
                json.get(0).length);
        // warm both paths up (JIT), then measure them alternately: JSON, OTLP, JSON, OTLP
        drive(base + "/api/v1/samples", "application/json", key, json, clients, seconds / 3);
        drive(base + "/v1/traces", "application/x-protobuf", key, otlp, clients, seconds / 3);
        double[] j1 = drive(base + "/api/v1/samples", "application/json", key, json, clients, seconds / 2);
        double[] o1 = drive(base + "/v1/traces", "application/x-protobuf", key, otlp, clients, seconds / 2);
        double[] j2 = drive(base + "/api/v1/samples", "application/json", key, json, clients, seconds / 2);
        double[] o2 = drive(base + "/v1/traces", "application/x-protobuf", key, otlp, clients, seconds / 2);
        double jsonRate = (j1[0] + j2[0]) / 2;
        double otlpRate = (o1[0] + o2[0]) / 2;
        System.out.printf("JSON samples path   %,10.0f samples/s   p50 %6.1f ms  p99 %6.1f ms per batch%n", jsonRate,
                (j1[2] + j2[2]) / 2, Math.max(j1[1], j2[1]));
        System.out.printf("OTLP protobuf spans %,10.0f spans/s     p50 %6.1f ms  p99 %6.1f ms per export (%d clients)%n",
                otlpRate, (o1[2] + o2[2]) / 2, Math.max(o1[1], o2[1]), clients);
        System.out.printf("ratio OTLP / JSON samples: %.2fx (goal >= 0.7x)%n", otlpRate / jsonRate);

        // Memory: 5,000 new series (25 services x 200 routes, the per-service endpoint cap), one export each
        long before = redisMemory(redisPort);
        List<byte[]> wide = new ArrayList<>();
        for (int s = 0; s < 25; s++) {
            Batch b = batch(new Random(s), "mem" + s, 200, System.currentTimeMillis() * 1_000_000L);
            wide.add(b.otlp());
        }
        for (int round = 0; round < 4; round++) {
            for (byte[] body : wide) {
                HttpResponse<String> a = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
                        .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (a.statusCode() != 200) {
                    throw new IllegalStateException("memory step answered " + a.statusCode());
                }
            }
        }
        long after = redisMemory(redisPort);
        System.out.printf("memory: %,d bytes of Redis per 1,000 active series (5,000 series, 10 s + 1 min + 1 h "
                + "buckets each)%n", (after - before) / 5);
    }
}
