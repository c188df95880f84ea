package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/**
 * A workload whose every accepted write can be read back at a URL: a job by its id, a cache entry by its key, a
 * target or a rule by its name. Lost = a URL that does not answer 200 once the service is back.
 */
abstract class ReadBackWorkload implements Workload {

    private final String service;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();

    ReadBackWorkload(String service) {
        this.service = service;
    }

    /** Writes item {@code n}; returns the URL to read it back at if the service accepted it, else null. */
    abstract String write(long n);

    @Override
    public String service() {
        return service;
    }

    @Override
    public boolean step() {
        String url = write(sequence.incrementAndGet());
        if (url != null) {
            accepted.add(url);
        }
        return url != null;
    }

    @Override
    public long accepted() {
        return accepted.size();
    }

    @Override
    public List<String> lost() {
        List<String> lost = java.util.Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + 60_000_000_000L;
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> reads = new ArrayList<>();
            for (String url : List.copyOf(accepted)) {
                reads.add(readers.submit(() -> {
                    int status;
                    // A 404 is an answer; anything else (503 while Redis fails over, a refused connection) is
                    // asked again.
                    while ((status = Http.send("GET", url, ApiKeys.ADMIN, null).status()) != 200 && status != 404
                            && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(100_000_000L);
                    }
                    if (status != 200) {
                        lost.add(url + " (" + status + ")");
                    }
                }));
            }
            for (java.util.concurrent.Future<?> read : reads) {
                read.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading back " + service + "'s writes failed", e);
        } finally {
            readers.shutdownNow();
        }
        return lost;
    }
}
