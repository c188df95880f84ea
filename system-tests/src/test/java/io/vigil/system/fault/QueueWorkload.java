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
        for (String id : acceptedIds) {
            if (Http.send("GET", base + "/jobs/" + id, ApiKeys.READER, null).status() != 200) {
                lost.add("job " + id);
            }
        }
        return lost;
    }
}
