import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

/** See run.sh. JDK only: java Bench.java <metricsPort> <alertPort> <hookPort> <redisPort> <breaches> <rollups>. */
public class Bench {

    static final Map<String, Long> arrived = new ConcurrentHashMap<>();
    static final Pattern ENDPOINT = Pattern.compile("\"endpoint\":\"(/b[^\"]*)\"");
    static final Pattern PATH = Pattern.compile("\"path\":\"(live|rollup)\"");

    public static void main(String[] a) throws Exception {
        int metricsPort = Integer.parseInt(a[0]), hookPort = Integer.parseInt(a[2]), redisPort = Integer.parseInt(a[3]);
        int breaches = Integer.parseInt(a[4]), rollups = Integer.parseInt(a[5]);
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", hookPort), 100);
        hook.createContext("/", ex -> {
            long now = System.nanoTime();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String who = ex.getRequestURI().getPath().equals("/am") ? "am" : "vigil";
            if (who.equals("vigil")) {
                Matcher p = PATH.matcher(body);
                who = p.find() ? "vigil-" + p.group(1) : who;
            }
            Matcher m = ENDPOINT.matcher(body);
            while (m.find()) {
                arrived.putIfAbsent(who + " " + m.group(1), now);
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        java.util.concurrent.ExecutorService hookThreads = java.util.concurrent.Executors.newFixedThreadPool(4);
        hook.setExecutor(hookThreads);
        hook.start();

        HttpClient http = HttpClient.newHttpClient();
        String run = Long.toHexString(System.currentTimeMillis() % 0xfffff);
        List<Double> vigil = new ArrayList<>(), pair = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        boolean live = true;
        for (int i = 0; i < breaches; i++) {
            String endpoint = "/b" + run + "-" + i;
            StringBuilder batch = new StringBuilder("[");
            for (int s = 0; s < 20; s++) {
                batch.append(s == 0 ? "" : ",").append("{\"service\":\"bench\",\"endpoint\":\"").append(endpoint)
                        .append("\",\"method\":\"GET\",\"status\":200,\"durationMs\":900}");
            }
            batch.append(']');
            long t0 = System.nanoTime();
            starts.add(t0);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort
                    + "/api/v1/samples")).header("Authorization", "Bearer bench-writer")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("samples refused: " + r.statusCode() + " " + r.body());
            }
            Long p = await("am " + endpoint, 30_000);
            if (p != null) {
                pair.add((p - t0) / 1e6);
            }
            if (live) {
                Long v = await("vigil-live " + endpoint, i == 0 ? 15_000 : 5_000);
                if (v != null) {
                    vigil.add((v - t0) / 1e6);
                } else if (i == 0) {
                    live = false;
                    System.out.println("!! no alert from the metrics.live rule within 15 s: metrics-service does not publish"
                            + " vigil:events:metrics.live yet (needs the metrics-service branch with metrics.live)");
                }
            }
        }
        List<Double> rollup = new ArrayList<>();
        long deadline = System.nanoTime() + 25_000_000_000L;
        for (int i = 0; i < breaches; i++) {
            Long v = await("vigil-rollup /b" + run + "-" + i, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            if (v != null) {
                rollup.add((v - starts.get(i)) / 1e6);
            }
        }
        System.out.println();
        System.out.println("== end to end: breach POSTed to metrics-service -> webhook received (" + breaches + " breaches)");
        print("vigil (metrics.live, for: 0)", vigil);
        print("vigil (metrics.rollup 10 s)", rollup);
        print("prometheus + alertmanager", pair);
        if (!vigil.isEmpty() && !pair.isEmpty()) {
            System.out.printf(Locale.ROOT, "ratio vigil/pair: p50 %.3f  p99 %.3f   (goal: p99 < 1000 ms and <= 0.2x)%n",
                    pct(vigil, 50) / pct(pair, 50), pct(vigil, 99) / pct(pair, 99));
        }
        if (!rollup.isEmpty() && !pair.isEmpty()) {
            System.out.printf(Locale.ROOT, "ratio vigil-rollup/pair: p50 %.3f  p99 %.3f%n",
                    pct(rollup, 50) / pct(pair, 50), pct(rollup, 99) / pct(pair, 99));
        }
        hook.stop(0);
        hookThreads.shutdownNow(); // its threads are not daemons: left running, they keep this JVM (and run.sh) alive
        throughput(redisPort, rollups);
    }

    static Long await(String key, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            Long t = arrived.get(key);
            if (t != null) {
                return t;
            }
            Thread.sleep(1);
        }
        return arrived.get(key);
    }

    static void throughput(int redisPort, int n) throws Exception {
        // 10,000 series (1,000 services x 10 endpoints), each rollup matched by its service's 10 rules
        ByteArrayOutputStream resp = new ByteArrayOutputStream();
        long base = Instant.now().getEpochSecond() / 10 * 10 - 3600;
        for (int i = 0; i < n; i++) {
            int series = i % 10_000;
            String payload = String.format(Locale.ROOT, "{\"service\":\"svc%d\",\"endpoint\":\"/e%d\",\"method\":\"GET\","
                    + "\"statusClass\":\"2xx\",\"bucketStart\":\"%s\",\"bucketSeconds\":10,\"count\":50,\"errors4xx\":1,"
                    + "\"errors5xx\":1,\"p50Ms\":12.0,\"p90Ms\":30.0,\"p95Ms\":45.0,\"p99Ms\":80.0,\"maxMs\":120.0,"
                    + "\"slowWarn\":0,\"slowCritical\":0}", series / 10, series % 10,
                    Instant.ofEpochSecond(base + (i / 10_000) * 10L));
            String[] cmd = {"XADD", "vigil:events:metrics.rollup", "*", "id", UUID.randomUUID().toString(), "type",
                "metrics.rollup", "source", "bench/1", "time", Instant.now().toString(), "version", "1", "payload",
                payload};
            resp.write(("*" + cmd.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String c : cmd) {
                byte[] b = c.getBytes(StandardCharsets.UTF_8);
                resp.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                resp.write(b);
                resp.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        Path file = Files.createTempFile("rollups", ".resp");
        Files.write(file, resp.toByteArray());
        long t0 = System.nanoTime();
        Process pipe = new ProcessBuilder("redis-cli", "-p", Integer.toString(redisPort), "--pipe")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        pipe.getInputStream().readAllBytes();
        pipe.waitFor();
        double publish = (System.nanoTime() - t0) / 1e9;
        while (true) {
            long[] lagPending = lag(redisPort);
            if (lagPending[0] == 0 && lagPending[1] == 0) {
                break;
            }
            if ((System.nanoTime() - t0) / 1e9 > 600) {
                System.out.println("!! not drained after 600 s");
                break;
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = n / seconds;
        double publishRate = 10_000 / 10.0;
        System.out.println();
        System.out.println("== rule evaluation: 10,002 rules, " + n + " rollup events of 10,000 series (XADDed in "
                + String.format(Locale.ROOT, "%.2f s)", publish));
        System.out.printf(Locale.ROOT, "consumed %d rollups in %.2f s: %.0f rollups/s, %.0f rule evaluations/s%n", n,
                seconds, rate, rate * 10);
        System.out.printf(Locale.ROOT, "metrics-service publishes 10,000 series' rollups at %.0f/s (one per 10 s bucket):"
                + " ratio %.1fx%n", publishRate, rate / publishRate);
        Files.deleteIfExists(file);
    }

    /** [lag, pending] of group alert-service on the rollup stream (XINFO GROUPS). */
    static long[] lag(int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "XINFO", "GROUPS",
                "vigil:events:metrics.rollup").start();
        List<String> lines = List.of(new String(p.getInputStream().readAllBytes()).split("\n"));
        p.waitFor();
        long lag = -1, pending = -1;
        boolean ours = false;
        for (int i = 0; i + 1 < lines.size(); i++) {
            String k = lines.get(i).trim();
            String v = lines.get(i + 1).trim();
            if (k.equals("name")) {
                ours = v.equals("alert-service");
            } else if (ours && k.equals("pending")) {
                pending = Long.parseLong(v);
            } else if (ours && k.equals("lag")) {
                lag = v.isEmpty() ? -1 : Long.parseLong(v);
            }
        }
        return new long[] {lag, pending};
    }

    static double pct(List<Double> v, double p) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100 * s.size()) - 1));
    }

    static void print(String name, List<Double> v) {
        if (v.isEmpty()) {
            System.out.printf("%-32s no notifications%n", name);
            return;
        }
        System.out.printf(Locale.ROOT, "%-32s n=%d  p50 %7.0f ms  p99 %7.0f ms  max %7.0f ms%n", name, v.size(),
                pct(v, 50), pct(v, 99), pct(v, 100));
    }
}
