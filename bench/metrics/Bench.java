import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * metrics-service benchmark (run by run.sh): in-process HdrHistogram record rate (the baseline), ingest through REST
 * batches and through the Redis stream, and the latency of a 24 h per-endpoint query over 200 endpoints.
 * Args: service base URL, redis port.
 */
public class Bench {

    static final int ENDPOINTS = 200;
    static final String WRITER = "Bearer bench-writer";
    static final String READER = "Bearer bench-reader";

    static final int IN_FLIGHT = Integer.getInteger("rest.inflight", 64);
    static String base;
    static int redisPort;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        base = args[0];
        redisPort = Integer.parseInt(args[1]);
        double restSeconds = Double.parseDouble(System.getProperty("rest.seconds", "15"));
        int streamSamples = Integer.getInteger("stream.samples", 3_000_000);
        int queries = Integer.getInteger("queries", 200);

        double baseline = hdrBaseline();
        System.out.printf("baseline  in-process HdrHistogram recordValue: %,.0f records/s%n", baseline);
        if (Boolean.getBoolean("query.only")) {
            seed24h();
            double[] q = queryLatency(queries);
            System.out.printf("query     24h endpoint table, 200 endpoints: p50 %.1f ms  p99 %.1f ms%n", q[0], q[1]);
            return;
        }

        double rest = restIngest(restSeconds);
        System.out.printf("ingest    REST batches (1000/batch, %d in flight): %,.0f samples/s  ratio %.4f  goal 200,000/s %s%n",
                IN_FLIGHT, rest, rest / baseline, rest >= 200_000 ? "MET" : "MISSED");

        double stream = streamIngest(streamSamples);
        System.out.printf("ingest    stream (XADD 100/entry, as aggregated+acked): %,.0f samples/s  ratio %.4f  goal 500,000/s %s%n",
                stream, stream / baseline, stream >= 500_000 ? "MET" : "MISSED");

        seed24h();
        double[] q = queryLatency(queries);
        System.out.printf("query     24h endpoint table, 200 endpoints: p50 %.1f ms  p99 %.1f ms  goal p99 < 50 ms %s%n",
                q[0], q[1], q[1] < 50 ? "MET" : "MISSED");
        System.out.printf("          ratio (p99 as in-process records it costs): %,.0f records; queries/s at p50 over baseline: %.2e%n",
                q[1] / 1000 * baseline, (1000 / q[0]) / baseline);
    }

    /** The anchor: how fast one thread records into an in-process HdrHistogram (2 significant digits). */
    static double hdrBaseline() {
        Histogram h = new Histogram(3_600_000_000L, 2);
        long[] values = new long[1 << 20];
        Random r = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) (Math.exp(Math.log(50_000) + r.nextGaussian()));
        }
        for (int i = 0; i < 20_000_000; i++) { // warm-up
            h.recordValue(values[i & (values.length - 1)]);
        }
        int n = 100_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            h.recordValue(values[i & (values.length - 1)]);
        }
        long t1 = System.nanoTime();
        if (h.getTotalCount() == 0) {
            throw new IllegalStateException();
        }
        return n / ((t1 - t0) / 1e9);
    }

    static String samplesJson(Random r, String service, int n, Long timestampMs) {
        StringBuilder sb = new StringBuilder(n * 110).append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            int e = r.nextInt(ENDPOINTS);
            int status = r.nextInt(50) == 0 ? 500 : r.nextInt(20) == 0 ? 404 : 200;
            double ms = Math.round(Math.exp(Math.log(40) + r.nextGaussian()) * 100) / 100.0;
            sb.append("{\"service\":\"").append(service).append("\",\"endpoint\":\"/api/e").append(e)
                    .append("/{id}\",\"method\":\"").append(e % 4 == 0 ? "POST" : "GET").append("\",\"status\":")
                    .append(status).append(",\"durationMs\":").append(ms);
            if (timestampMs != null) {
                sb.append(",\"timestamp\":").append(timestampMs);
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    static double restIngest(double seconds) throws Exception {
        Random r = new Random(2);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bodies.add(samplesJson(r, "rest-svc", 1000, null).getBytes(StandardCharsets.UTF_8));
        }
        runRest(bodies, 3); // warm-up
        return runRest(bodies, seconds);
    }

    static double runRest(List<byte[]> bodies, double seconds) throws Exception {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        int i = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/samples"))
                    .header("Authorization", WRITER).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i++ % bodies.size()))).build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
                if (err == null && resp.statusCode() == 202) {
                    accepted.addAndGet(1000);
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(IN_FLIGHT);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        if (failed.get() > 0) {
            System.out.println("          (REST: " + failed.get() + " failed batches)");
        }
        return accepted.get() / elapsed;
    }

    static double streamIngest(int total) throws Exception {
        Random r = new Random(3);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(samplesJson(r, "stream-svc", 100, null));
        }
        long before = streamAccepted();
        int perEntry = 100;
        int entryCount = total / perEntry;
        long t0 = System.nanoTime();
        try (Resp redis = new Resp(redisPort)) {
            int chunk = 200;
            for (int i = 0; i < entryCount; i += chunk) {
                int n = Math.min(chunk, entryCount - i);
                for (int j = 0; j < n; j++) {
                    redis.send("XADD", "vigil:ingest:samples", "*", "samples", entries.get((i + j) % entries.size()));
                }
                redis.flush();
                for (int j = 0; j < n; j++) {
                    redis.read();
                }
            }
        }
        double xaddSeconds = (System.nanoTime() - t0) / 1e9;
        long target = before + (long) entryCount * perEntry;
        while (streamAccepted() < target) {
            Thread.sleep(200); // polls /q/metrics; more often would cost the service measurable CPU
            if ((System.nanoTime() - t0) / 1e9 > 600) {
                throw new IllegalStateException("stream not drained: " + streamAccepted() + " of " + target);
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf("          (stream: %,d samples XADDed in %.1f s, all aggregated and acked after %.1f s)%n",
                (long) entryCount * perEntry, xaddSeconds, elapsed);
        return entryCount * (double) perEntry / elapsed;
    }

    static long streamAccepted() throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("vigil_metrics_samples_total") && l.contains("path=\"stream\"")
                && l.contains("outcome=\"accepted\"")).mapToLong(l -> (long) Double.parseDouble(
                        l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** 24 h of traffic for 200 endpoints (20 samples per endpoint every 5 min), then waits until it is all closed. */
    static void seed24h() throws Exception {
        Random r = new Random(4);
        long now = System.currentTimeMillis();
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<Void>>> pending = new ArrayList<>();
        for (long t = now - Duration.ofHours(24).toMillis() + 60_000; t < now - 30_000; t += 300_000) {
            for (int part = 0; part < 4; part++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/samples"))
                        .header("Authorization", WRITER).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(samplesJson(r, "seed-svc", 1000, t))).build();
                pending.add(http.sendAsync(req, HttpResponse.BodyHandlers.discarding()));
            }
            if (pending.size() >= 32) {
                for (var f : pending) {
                    check(f.get());
                }
                pending.clear();
            }
        }
        for (var f : pending) {
            check(f.get());
        }
        System.out.printf("          (seeded 24 h x 200 endpoints = %,d samples in %.1f s; closing buckets...)%n",
                288 * 4000, (System.nanoTime() - t0) / 1e9);
        try (Resp redis = new Resp(redisPort)) {
            for (String res : List.of("10s", "1m", "1h")) {
                while (true) {
                    long due = (Long) redis.call("ZCOUNT", "vigil:m:{" + res + "}:open", "-inf",
                            Long.toString(now / 1000 - 2 * 3600));
                    if (due == 0) {
                        break;
                    }
                    Thread.sleep(500);
                }
            }
        }
        System.out.printf("          (all buckets older than 2 h persisted after %.1f s)%n", (System.nanoTime() - t0) / 1e9);
    }

    static void check(HttpResponse<Void> resp) {
        if (resp.statusCode() != 202) {
            throw new IllegalStateException("seeding answered " + resp.statusCode());
        }
    }

    static double[] queryLatency(int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base
                + "/api/v1/metrics/endpoints?service=seed-svc&window=24h&limit=1000"))
                .header("Authorization", READER).build();
        String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        int rows = body.split("\"endpoint\"", -1).length - 1;
        if (rows != ENDPOINTS) {
            throw new IllegalStateException("expected 200 rows, got " + rows + ": " + body.substring(0, Math.min(300, body.length())));
        }
        for (int i = 0; i < 20; i++) {
            http.send(req, HttpResponse.BodyHandlers.discarding());
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("query answered " + resp.statusCode());
            }
        }
        Arrays.sort(ms);
        return new double[] { ms[(int) Math.ceil(0.5 * n) - 1], ms[(int) Math.ceil(0.99 * n) - 1] };
    }

    /** Minimal pipelining RESP2 client (what an app's Redis client does for XADD). */
    static final class Resp implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);

        Resp(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        void send(String... args) throws IOException {
            buf.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                buf.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                buf.write(b);
                buf.write('\r');
                buf.write('\n');
            }
        }

        void flush() throws IOException {
            buf.writeTo(out);
            out.flush();
            buf.reset();
        }

        Object call(String... args) throws IOException {
            send(args);
            flush();
            return read();
        }

        Object read() throws IOException {
            int type = in.read();
            String line = line();
            switch (type) {
                case '+': return line;
                case '-': throw new IOException(line);
                case ':': return Long.parseLong(line);
                case '$': {
                    int n = Integer.parseInt(line);
                    if (n < 0) {
                        return null;
                    }
                    byte[] b = in.readNBytes(n + 2);
                    return new String(b, 0, n, StandardCharsets.UTF_8);
                }
                case '*': {
                    int n = Integer.parseInt(line);
                    List<Object> list = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        list.add(read());
                    }
                    return list;
                }
                default: throw new IOException("unexpected reply " + (char) type);
            }
        }

        String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                sb.append((char) c);
            }
            in.read();
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
