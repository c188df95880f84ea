package io.vigil.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vigil.system.fault.Workloads;
import io.vigil.system.fault.Workload;

/**
 * Faults under load, each with a report line: Redis restarted, and each service SIGKILLed and restarted, while
 * every service takes writes. Nothing a service accepted may be lost, and each service must take writes again by
 * itself; the time until it does is reported.
 */
class FaultInjectionIT {

    private Suite suite;
    private List<Workload> workloads;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Map<String, AtomicLong> lastAccepted = new ConcurrentHashMap<>();
    private ExecutorService load;

    @BeforeEach
    void startSuiteUnderLoad() {
        suite = Suite.start();
        workloads = Workloads.of(suite);
        running.set(true);
        load = Executors.newFixedThreadPool(workloads.size());
        for (Workload w : workloads) {
            lastAccepted.put(w.service(), new AtomicLong());
            load.submit(() -> {
                while (running.get()) {
                    if (w.step()) {
                        lastAccepted.get(w.service()).set(System.nanoTime());
                    } else {
                        LockSupport.parkNanos(20_000_000L); // back off while the service is unavailable
                    }
                }
            });
        }
        awaitAll(w -> w.accepted() >= 20, "warm-up");
    }

    @AfterEach
    void stop() throws InterruptedException {
        running.set(false);
        if (load != null) {
            load.shutdown();
            load.awaitTermination(30, TimeUnit.SECONDS);
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void redisRestartedUnderLoadLosesNothingAndEveryServiceRecovers() {
        suite.redis().kill();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2)); // the outage itself: 2 s without Redis
        long restarted = System.nanoTime();
        suite.redis().start();
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads) {
            long recovered = awaitAcceptedAfter(w, restarted);
            report("redis-restart", w, recovered < 0 ? -1 : (recovered - restarted) / 1_000_000, problems);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void eachServiceKilledUnderLoadLosesNothingAndRecovers() {
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads) {
            var process = suite.service(w.service());
            long killed = System.nanoTime();
            process.kill();
            process.start(java.time.Duration.ofSeconds(90));
            long recovered = awaitAcceptedAfter(w, killed);
            report("sigkill " + w.service(), w, recovered < 0 ? -1 : (recovered - killed) / 1_000_000, problems);
        }
        assertThat(problems).isEmpty();
    }

    private void report(String fault, Workload w, long recoveredMs, List<String> problems) {
        List<String> lost = w.lost();
        System.out.printf("fault %-28s %-15s accepted %6d, accepted-then-lost %d, recovered in %s%n", fault,
                w.service(), w.accepted(), lost.size(), recoveredMs < 0 ? "never (within 60 s)" : recoveredMs + " ms");
        if (recoveredMs < 0) {
            problems.add(fault + ": " + w.service() + " took no write within 60 s");
        }
        lost.forEach(l -> problems.add(fault + ": " + w.service() + " lost " + l));
    }

    /** The time of the first write accepted after {@code since}, or -1 if none within 60 s. */
    private long awaitAcceptedAfter(Workload w, long since) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            long last = lastAccepted.get(w.service()).get();
            if (last > since) {
                return last;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return -1;
    }

    private void awaitAll(java.util.function.Predicate<Workload> condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!workloads.stream().allMatch(condition)) {
            assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
            LockSupport.parkNanos(50_000_000L);
        }
    }
}
