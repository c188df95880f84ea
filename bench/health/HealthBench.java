import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import com.sun.net.httpserver.HttpServer;

/**
 * The health benchmark's own processes (run by run.sh with the JDK's single-file launcher):
 *   stub PORT_FILE            a loopback HTTP server answering 200 {"status":"UP"} on every path, counting requests
 *                             (GET /__count returns the total)
 *   bare STUB_URL N INTERVAL_MS SECONDS   the baseline: a bare JDK HttpClient loop checking N targets
 *                             (STUB_URL/t0 .. /tN-1) every INTERVAL_MS, spread over the interval like health-service
 *                             does; prints checks, CPU seconds of this process and p99 lateness against the schedule
 */
public class HealthBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stub" -> stub(Path.of(args[1]));
            case "bare" -> bare(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void stub(Path portFile) throws IOException {
        AtomicLong total = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newFixedThreadPool(4));
        byte[] up = "{\"status\":\"UP\"}".getBytes();
        server.createContext("/", exchange -> {
            byte[] body = up;
            if (exchange.getRequestURI().getPath().equals("/__count")) {
                body = Long.toString(total.get()).getBytes();
            } else {
                total.incrementAndGet();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Files.writeString(portFile, Integer.toString(server.getAddress().getPort()));
    }

    static void bare(String stubUrl, int n, long intervalMs, long seconds) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicLong checks = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        int maxChecks = (int) (n * (seconds * 1000 / intervalMs + 2));
        AtomicLongArray lateness = new AtomicLongArray(maxChecks);
        AtomicLong lateCount = new AtomicLong();
        long start = System.currentTimeMillis() + 1000;
        long cpu0 = cpuNanos();
        for (int i = 0; i < n; i++) {
            URI uri = URI.create(stubUrl + "/t" + i);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            long first = start + (intervalMs * i) / n;
            long delay = first - System.currentTimeMillis();
            long[] due = { first };
            timer.scheduleAtFixedRate(() -> {
                long late = System.currentTimeMillis() - due[0];
                due[0] += intervalMs;
                long k = lateCount.getAndIncrement();
                if (k < maxChecks) {
                    lateness.set((int) k, Math.max(0, late));
                }
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
                    checks.incrementAndGet();
                    if (t != null || r.statusCode() != 200 || !r.body().contains("UP")) {
                        failures.incrementAndGet();
                    }
                });
            }, delay, intervalMs, TimeUnit.MILLISECONDS);
        }
        Thread.sleep(start - System.currentTimeMillis() + seconds * 1000);
        long cpu = cpuNanos() - cpu0;
        timer.shutdownNow();
        int m = (int) Math.min(lateCount.get(), maxChecks);
        long[] l = new long[m];
        for (int i = 0; i < m; i++) {
            l[i] = lateness.get(i);
        }
        Arrays.sort(l);
        long p99 = m == 0 ? 0 : l[Math.max(0, (int) Math.ceil(0.99 * m) - 1)];
        System.out.printf("checks=%d failures=%d cpu_s=%.3f p99_lateness_ms=%d%n", checks.get(), failures.get(),
                cpu / 1e9, p99);
        System.exit(0);
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
