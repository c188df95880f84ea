package io.vigil.queue.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.common.problem.ProblemException;
import io.vigil.queue.config.QueueServiceConfig;
import io.vigil.queue.domain.Lease;
import io.vigil.queue.domain.NewJob;
import io.vigil.queue.domain.Priority;

/** Turns requests into validated domain jobs (every check before anything is written) and leases into DTOs. */
@ApplicationScoped
public class JobMapper {

    private final ObjectMapper mapper;
    private final QueueServiceConfig config;

    public JobMapper(ObjectMapper mapper, QueueServiceConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    public NewJob toJob(EnqueueRequest r, String field) {
        int priority;
        try {
            priority = Priority.parse(r.priority());
        } catch (ProblemException e) {
            throw ProblemException.invalid(field + "priority", e.errors().get(0).message());
        }
        String payload = bounded(json(r.payload()), field + "payload", config.maxPayloadBytes());
        long runAt = r.runAt() == null ? 0 : Math.max(1, r.runAt().toEpochMilli());
        return new NewJob(r.idempotencyKey() == null ? "" : r.idempotencyKey(), priority,
                r.delayMs() == null ? 0 : r.delayMs(), runAt, r.maxAttempts() == null ? 0 : r.maxAttempts(),
                r.timeoutMs() == null ? 0 : r.timeoutMs(), r.group() == null ? "" : r.group(), payload);
    }

    /**
     * An ack result as stored JSON ("" = none), refused with 413 above {@code max-result-bytes}: it goes to Redis and
     * to the archive's document, which MongoDB caps at 16 MB.
     */
    public String result(JsonNode result, String field) {
        return bounded(json(result), field, config.maxResultBytes());
    }

    private static String bounded(String json, String field, int limit) {
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limit) {
            throw new ProblemException(413, "Payload too large", field + " is " + bytes + " bytes; the limit is "
                    + limit);
        }
        return json;
    }

    public String json(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return node == null || node.isMissingNode() ? "" : "null";
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
    }

    public LeasedJob toDto(String queue, Lease l) {
        return new LeasedJob(l.id(), queue, l.token(), Instant.ofEpochMilli(l.deadlineMs()), l.attempts(),
                l.maxAttempts(), l.priority(), l.group().isEmpty() ? null : l.group(),
                Instant.ofEpochMilli(l.createdMs()), l.payload());
    }
}
