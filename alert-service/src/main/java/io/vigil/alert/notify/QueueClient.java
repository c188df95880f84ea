package io.vigil.alert.notify;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.alert.config.AlertConfig;

/** queue-service's REST API, the subset notifications use (queue-service/README.md). */
@ApplicationScoped
public class QueueClient {

    /** queue-service could not be reached or answered 5xx/429: the caller falls back. */
    public static class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }

    public record Job(String id, String token, int attempts, int maxAttempts, JsonNode payload) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper mapper;
    private final AlertConfig.Delivery config;

    public QueueClient(ObjectMapper mapper, AlertConfig config) {
        this.mapper = mapper;
        this.config = config.delivery();
    }

    public boolean configured() {
        return config.queueUrl().filter(u -> !u.isBlank()).isPresent();
    }

    /** @return true if enqueued now, false if the idempotency key matched an existing job */
    public boolean enqueue(Object payload, String idempotencyKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("payload", payload);
        body.put("idempotencyKey", idempotencyKey.length() > 200 ? sha(idempotencyKey) : idempotencyKey);
        body.put("maxAttempts", config.maxAttempts());
        JsonNode r = call("POST", "/jobs", body, Duration.ofSeconds(5));
        return !r.path("duplicate").asBoolean(false);
    }

    public List<Job> lease(int count, long waitMs) {
        JsonNode r = call("POST", "/lease", Map.of("count", count, "waitMs", waitMs), Duration.ofMillis(waitMs + 5000));
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : r.path("jobs")) {
            jobs.add(new Job(j.path("id").asText(), j.path("token").asText(), j.path("attempts").asInt(),
                    j.path("maxAttempts").asInt(), j.path("payload")));
        }
        return jobs;
    }

    public void ack(Job job) {
        call("POST", "/jobs/" + enc(job.id()) + "/ack", Map.of("token", job.token()), Duration.ofSeconds(5));
    }

    /** @return the job's new state: waiting, delayed or dead */
    public String nack(Job job, String error) {
        return call("POST", "/jobs/" + enc(job.id()) + "/nack", Map.of("token", job.token(), "error", error),
                Duration.ofSeconds(5)).path("state").asText();
    }

    public JsonNode jobs(String state, int limit) {
        return call("GET", "/jobs?state=" + state + "&limit=" + limit, null, Duration.ofSeconds(5));
    }

    /** Names of all queues ({@code GET /api/v1/queues}). */
    public List<String> queueNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode q : request("GET", "", null, Duration.ofSeconds(2)).path("queues")) {
            names.add(q.path("name").asText());
        }
        return names;
    }

    /** One queue's stats ({@code GET /api/v1/queues/{q}/stats}): depth per state, oldest waiting age. */
    public JsonNode stats(String queue) {
        return request("GET", "/" + enc(queue) + "/stats", null, Duration.ofSeconds(2));
    }

    private JsonNode call(String method, String path, Object body, Duration timeout) {
        return request(method, "/" + enc(config.queue()) + path, body, timeout);
    }

    /** @param path below {@code /api/v1/queues} */
    private JsonNode request(String method, String path, Object body, Duration timeout) {
        String base = config.queueUrl().orElseThrow(() -> new Unavailable("no queue-service configured"));
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + "/api/v1/queues"
                    + path)).timeout(timeout).header("Content-Type", "application/json");
            config.queueApiKey().ifPresent(k -> b.header("Authorization", "Bearer " + k));
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 500 || r.statusCode() == 429) {
                throw new Unavailable("queue-service answered " + r.statusCode());
            }
            if (r.statusCode() >= 400) {
                throw new IllegalStateException("queue-service refused " + method + " " + path + ": " + r.statusCode()
                        + " " + r.body());
            }
            return r.body().isEmpty() ? mapper.createObjectNode() : mapper.readTree(r.body());
        } catch (IOException e) {
            throw new Unavailable("queue-service unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String sha(String s) {
        return io.vigil.alert.domain.Fingerprint.of(s, Map.of()) + Integer.toHexString(s.hashCode());
    }
}
