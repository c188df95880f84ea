package io.vigil.system.fault;

import java.util.Map;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** Enqueues jobs with idempotency keys; an accepted job must still be found by its id afterwards. */
final class QueueWorkload extends ReadBackWorkload {

    private final String base;

    QueueWorkload(String baseUrl) {
        super("queue-service");
        this.base = baseUrl + "/api/v1/queues/fault-jobs";
        Http.send("PUT", base, ApiKeys.ADMIN, Map.of("maxAttempts", 3));
    }

    @Override
    String write(long n) {
        Http.Reply reply = Http.send("POST", base + "/jobs", ApiKeys.WRITER,
                Map.of("payload", Map.of("n", n), "idempotencyKey", "fault-" + n));
        return reply.ok() ? base + "/jobs/" + reply.json().path("id").asText() : null;
    }
}
