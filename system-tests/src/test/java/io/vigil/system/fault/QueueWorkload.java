package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** Enqueues jobs with idempotency keys; an accepted job must still be found by its id afterwards. */
final class QueueWorkload implements Workload {

    private final String base;
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();

    QueueWorkload(String baseUrl) {
        this.base = baseUrl + "/api/v1/queues/fault-jobs";
        Http.send("PUT", base, ApiKeys.ADMIN, Map.of("maxAttempts", 3));
    }

    @Override
    public String service() {
        return "queue-service";
    }

    @Override
    public boolean step() {
        long n = sequence.incrementAndGet();
        Http.Reply reply = Http.send("POST", base + "/jobs", ApiKeys.WRITER,
                Map.of("payload", Map.of("n", n), "idempotencyKey", "fault-" + n));
        if (reply.ok()) {
            acceptedIds.add(reply.json().path("id").asText());
        }
        return reply.ok();
    }

    @Override
    public long accepted() {
        return acceptedIds.size();
    }

    @Override
    public List<String> lost() {
        List<String> lost = new ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (String id : acceptedIds) {
            int status;
            // A 404 is an answer; anything else (503 while Redis fails over, a refused connection) is asked again.
            while ((status = Http.send("GET", base + "/jobs/" + id, ApiKeys.READER, null).status()) != 200
                    && status != 404 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            if (status != 200) {
                lost.add("job " + id + " (" + status + ")");
            }
        }
        return lost;
    }
}
