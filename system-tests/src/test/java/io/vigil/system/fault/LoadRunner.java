package io.vigil.system.fault;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs workloads continuously (two writers each) while a test injects faults, and tells when each service took a
 * write again. Bounded: it stops when closed, and every wait has a deadline.
 */
public final class LoadRunner implements AutoCloseable {

    private static final int WRITERS = 2;

    private final List<Workload> workloads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    // When each accepted write started (System.nanoTime), so the first one after a fault can be found later.
    private final Map<String, ConcurrentSkipListSet<Long>> acceptedStarts = new ConcurrentHashMap<>();
    private final ExecutorService pool;

    public LoadRunner(List<Workload> workloads) {
        this.workloads = workloads;
        this.pool = Executors.newFixedThreadPool(workloads.size() * WRITERS);
        for (Workload w : workloads) {
            acceptedStarts.put(w.name(), new ConcurrentSkipListSet<>());
            for (int i = 0; i < WRITERS; i++) {
                pool.submit(() -> write(w));
            }
        }
    }

    private void write(Workload w) {
        while (running.get()) {
            long started = System.nanoTime();
            if (w.step()) {
                // The write's start: a request sent before a fault and answered just after it does not count as
                // service resumed.
                acceptedStarts.get(w.name()).add(started);
                // Paced (about 10 writes/s per writer): steady load, and few enough accepted writes that every one
                // of them can be read back afterwards within the test's time.
                LockSupport.parkNanos(100_000_000L);
            } else {
                LockSupport.parkNanos(20_000_000L); // back off while the service is unavailable
            }
        }
    }

    public List<Workload> workloads() {
        return workloads;
    }

    /** Waits until every workload has {@code n} accepted writes. */
    public void awaitAccepted(long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!workloads.stream().allMatch(w -> w.accepted() >= n)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("workloads did not reach " + n + " accepted writes within 60 s: "
                        + workloads.stream().map(w -> w.name() + " " + w.accepted()).toList());
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    /** Milliseconds from {@code since} (a System.nanoTime) to the service's first accepted write after it; -1 if none in 60 s. */
    public long recoveredMs(Workload w, long since) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Long first = acceptedStarts.get(w.name()).higher(since);
            if (first != null) {
                return (first - since) / 1_000_000;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return -1;
    }

    /** Prints the fault's report line for {@code w}; returns what went wrong (nothing recovered, writes lost). */
    public List<String> report(String fault, Workload w, long recoveredMs) {
        List<String> lost = w.lost();
        System.out.printf("fault %-28s %-15s accepted %6d, accepted-then-lost %d, recovered in %s%n", fault,
                w.name(), w.accepted(), lost.size(), recoveredMs < 0 ? "never (within 60 s)" : recoveredMs + " ms");
        List<String> problems = new java.util.ArrayList<>();
        if (recoveredMs < 0) {
            problems.add(fault + ": " + w.name() + " took no write within 60 s");
        }
        lost.forEach(l -> problems.add(fault + ": " + w.name() + " lost " + l));
        return problems;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        workloads.forEach(Workload::close);
    }
}
