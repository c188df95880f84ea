package io.vigil.system.e2e;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/**
 * Probes URLs (readiness and a read API of each service) every 200 ms while a fault lasts: a service that a slow or
 * dead receiver makes unready, slow or answer 5xx shows up here. Bounded: it stops when closed.
 */
public final class Responsiveness implements AutoCloseable {

    private final List<String> urls;
    private final Thread thread;
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong maxMs = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    public Responsiveness(List<String> urls) {
        this.urls = urls;
        this.thread = new Thread(this::run, "e2e-responsiveness");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (running) {
            for (String url : urls) {
                long started = System.nanoTime();
                int status = Http.send("GET", url, ApiKeys.READER, null).status();
                long ms = (System.nanoTime() - started) / 1_000_000;
                probes.incrementAndGet();
                maxMs.accumulateAndGet(ms, Math::max);
                if (status >= 500) {
                    serverErrors.incrementAndGet();
                }
                if (status != 200 && failures.size() < 20) {
                    failures.add(url + " answered " + status + " after " + ms + " ms");
                }
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    public long probes() {
        return probes.get();
    }

    public long serverErrors() {
        return serverErrors.get();
    }

    public long maxMs() {
        return maxMs.get();
    }

    /** Probes that did not answer 200 (at most 20). */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(15_000);
    }
}
