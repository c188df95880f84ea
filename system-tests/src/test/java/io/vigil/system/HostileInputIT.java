package io.vigil.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vigil.system.hostile.HostileRequests;
import io.vigil.system.hostile.OpenApiOperations;
import io.vigil.system.hostile.Operation;
import io.vigil.system.hostile.RawHttp;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.ServiceProcess;

/**
 * Malformed and hostile requests across every operation of every service's OpenAPI document
 * ({@code -Dvigil.hostile.requests}, 10,000 by default; bench/faults/run.sh sends more). Bad input must get a 4xx
 * problem+json, never a 5xx; nothing a service accepted may be lost; no header may be injected into a response; no
 * request may take longer than {@code -Dvigil.hostile.max-request-ms} (3 s, measured per request: a regex, a body or
 * a parameter that pins a thread shows here); and every service must still be ready afterwards.
 */
class HostileInputIT {

    private static final int REQUESTS = Integer.getInteger("vigil.hostile.requests", 10_000);
    private static final long MAX_REQUEST_MS = Long.getLong("vigil.hostile.max-request-ms", 3_000);

    static Suite suite;

    @BeforeAll
    static void start() {
        suite = Suite.start();
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void badInputIsRefusedCleanlyByEveryService() throws Exception {
        List<String> failures = new ArrayList<>();
        int perService = REQUESTS / Suite.SERVICES.size();
        for (Map.Entry<String, ServiceProcess> entry : suite.services().entrySet()) {
            Report report = attack(entry.getKey(), entry.getValue(), perService);
            System.out.println(report.line());
            failures.addAll(report.failures);
            assertThat(RawHttp.send(entry.getValue().port(), "GET /q/health/ready HTTP/1.1", new byte[0]).status())
                    .as("%s still ready after the attack", entry.getKey()).isEqualTo(200);
        }
        assertThat(failures).withFailMessage(() -> failures.size() + " requests answered wrongly; the first 40:\n"
                + String.join("\n", failures.subList(0, Math.min(40, failures.size())))).isEmpty();
    }

    private Report attack(String name, ServiceProcess service, int count) throws Exception {
        List<Operation> operations = OpenApiOperations.of(service.baseUrl()).stream()
                .filter(op -> op.path().startsWith("/api/")).toList();
        Report report = new Report(name, operations.size());
        if (operations.isEmpty()) {
            return report;
        }
        List<HostileRequests.Request> requests = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            int share = count / operations.size() + (i < count % operations.size() ? 1 : 0);
            requests.addAll(new HostileRequests(operations.get(i), ApiKeys.ADMIN, 31L * i + name.hashCode())
                    .generate(share));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> sent = new ArrayList<>();
        for (HostileRequests.Request request : requests) {
            sent.add(pool.submit(() -> {
                long start = System.nanoTime();
                RawHttp.Response response = send(service, request);
                report.record(request, response, (System.nanoTime() - start) / 1_000_000);
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        pool.shutdown();
        // Accepted means kept: whatever a 201 pointed at must still be there.
        for (String location : report.created) {
            String path = location.replaceFirst("^https?://[^/]+", "");
            RawHttp.Response back = RawHttp.send(service.port(), "GET " + path + " HTTP/1.1\r\nAuthorization: "
                    + ApiKeys.ADMIN, new byte[0]);
            if (back.status() != 200) {
                report.lost.incrementAndGet();
                report.failures.add(name + ": accepted " + location + " but GET answers " + back.status());
            }
        }
        return report;
    }

    private static RawHttp.Response send(ServiceProcess service, HostileRequests.Request request) {
        try {
            return RawHttp.send(service.port(), request.head(), request.body());
        } catch (IOException e) {
            return new RawHttp.Response(-1, Map.of(), e.toString());
        }
    }

    /** What one service answered: counts for the report line, and each wrong answer with what provoked it. */
    static final class Report {
        final String service;
        final int operations;
        final AtomicInteger total = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicInteger serverErrors = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger slow = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong slowestMs = new java.util.concurrent.atomic.AtomicLong();
        final ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        Report(String service, int operations) {
            this.service = service;
            this.operations = operations;
        }

        void record(HostileRequests.Request request, RawHttp.Response response, long elapsedMs) {
            total.incrementAndGet();
            int status = response.status();
            String what = service + ": " + request.operation() + " [" + request.kind() + "] -> " + status;
            slowestMs.accumulateAndGet(elapsedMs, Math::max);
            if (elapsedMs > MAX_REQUEST_MS) {
                slow.incrementAndGet();
                failures.add(what + " took " + elapsedMs + " ms (limit " + MAX_REQUEST_MS + " ms)");
            }
            if (status < 0 || status >= 500) {
                serverErrors.incrementAndGet();
                failures.add(what + " " + abbreviate(response.body()));
            } else if (status >= 400) {
                rejected.incrementAndGet();
                String type = String.valueOf(response.header("content-type"));
                // 413, 414 and 431 come from the HTTP layer before any resource runs; everything else is ours to explain.
                if (!type.startsWith("application/problem+json") && status != 413 && status != 414 && status != 431) {
                    failures.add(what + " without problem+json (" + type + ") " + abbreviate(response.body()));
                }
            } else {
                accepted.incrementAndGet();
                if (status == 201 && response.header("location") != null) {
                    created.add(response.header("location"));
                }
            }
            if (response.header("x-injected") != null) {
                failures.add(what + ": a header was injected into the response");
            }
        }

        String line() {
            return String.format("hostile %-15s %6d requests over %3d operations: accepted %d, accepted-then-lost %d,"
                    + " rejected 4xx %d, 5xx %d, slower than %d ms %d (slowest %d ms)", service, total.get(), operations,
                    accepted.get(), lost.get(), rejected.get(), serverErrors.get(), MAX_REQUEST_MS, slow.get(),
                    slowestMs.get());
        }

        private static String abbreviate(String body) {
            String flat = body.replaceAll("\\s+", " ");
            return flat.length() > 160 ? flat.substring(0, 160) + "..." : flat;
        }
    }
}
