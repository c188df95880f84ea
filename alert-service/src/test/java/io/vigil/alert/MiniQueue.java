package io.vigil.alert;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server speaking the subset of queue-service's API (queue-service/README.md) that alert-service's
 * delivery uses: enqueue with an idempotency key and maxAttempts, long-poll lease, ack, nack with exponential backoff
 * (1 s doubling, capped at 5 min: queue-service's defaults) and dead letters, list by state. The module's
 * reactor build does not package queue-service, so the fault tests run against this instead. For queue depth rules
 * it also lists queues ({@code GET /api/v1/queues}) and serves {@code GET /api/v1/queues/{q}/stats} with the depths
 * a test sets ({@link #depth}); {@link #statsDown} answers them 503.
 */
final class MiniQueue implements AutoCloseable {

    static final class Job {
        final String id;
        final JsonNode payload;
        final int maxAttempts;
        int attempts;
        String state = "waiting";
        String token;
        long readyAt;
        long leaseUntil;
        String lastError;

        Job(String id, JsonNode payload, int maxAttempts) {
            this.id = id;
            this.payload = payload;
            this.maxAttempts = maxAttempts;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, String> idempotency = new LinkedHashMap<>();
    private final int port;
    private HttpServer server;
    private final Map<String, long[]> depths = new LinkedHashMap<>();
    volatile boolean statsDown;
    int enqueued;
    int duplicates;

    MiniQueue(int port) {
        this.port = port;
    }

    synchronized MiniQueue start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/v1/queues/notifications", this::handle);
        server.createContext("/api/v1/queues", this::queues);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return this;
    }

    synchronized void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    synchronized List<Job> byState(String state) {
        return jobs.values().stream().filter(j -> j.state.equals(state)).toList();
    }

    /** Sets a queue's depth as its stats report it (the queue is listed from now on). */
    synchronized void depth(String queue, long waiting, long delayed, long oldestWaitingAgeMs) {
        depths.put(queue, new long[] {waiting, delayed, oldestWaitingAgeMs});
    }

    private void queues(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().replaceAll("/$", "");
        if (!"Bearer test-writer-key".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            respond(ex, 401, Map.of("title", "Unauthorized"));
        } else if (statsDown) {
            respond(ex, 503, Map.of("title", "Service Unavailable"));
        } else if (path.equals("/api/v1/queues")) {
            List<Map<String, Object>> out = new ArrayList<>();
            out.add(Map.of("name", "notifications", "settings", Map.of()));
            synchronized (this) {
                depths.keySet().forEach(q -> out.add(Map.of("name", q, "settings", Map.of())));
            }
            respond(ex, 200, Map.of("queues", out));
        } else if (path.matches("/api/v1/queues/[^/]+/stats")) {
            respond(ex, 200, stats(path.split("/")[4]));
        } else {
            respond(ex, 404, Map.of("title", "Not found"));
        }
    }

    /** The part of queue-service's {@code QueueStats} depth rules read. */
    private synchronized Map<String, Object> stats(String queue) {
        long[] d = depths.getOrDefault(queue, new long[3]);
        return Map.of("queue", queue, "depth", Map.of("waiting", d[0], "delayed", d[1], "active", 0, "completed", 0,
                "dead", 0, "cancelled", 0), "oldestWaitingAgeMs", d[2]);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring("/api/v1/queues/notifications".length());
        JsonNode body = ex.getRequestMethod().equals("POST") ? MAPPER.readTree(ex.getRequestBody()) : null;
        if (!"Bearer test-writer-key".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            respond(ex, 401, Map.of("title", "Unauthorized"));
            return;
        }
        if (path.equals("/stats")) {
            queues(ex);
        } else if (path.equals("/jobs") && body != null) {
            respond(ex, 201, enqueue(body));
        } else if (path.equals("/lease")) {
            long deadline = System.currentTimeMillis() + body.path("waitMs").asLong(0);
            List<Map<String, Object>> leased;
            while ((leased = lease(body.path("count").asInt(1))).isEmpty() && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    break;
                }
            }
            respond(ex, 200, Map.of("jobs", leased));
        } else if (path.endsWith("/ack") || path.endsWith("/nack")) {
            String id = path.split("/")[2];
            respond(ex, 200, finish(id, body.path("token").asText(), path.endsWith("/ack"), body.path("error").asText()));
        } else if (path.equals("/jobs") && ex.getRequestMethod().equals("GET")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Job j : byState(ex.getRequestURI().getQuery().replaceAll(".*state=([a-z]+).*", "$1"))) {
                out.add(Map.of("id", j.id, "state", j.state, "attempts", j.attempts, "lastError",
                        String.valueOf(j.lastError), "payload", j.payload));
            }
            respond(ex, 200, Map.of("jobs", out));
        } else {
            respond(ex, 404, Map.of("title", "Not found"));
        }
    }

    private synchronized Map<String, Object> enqueue(JsonNode body) {
        String key = body.path("idempotencyKey").asText(null);
        if (key != null && idempotency.containsKey(key)) {
            duplicates++;
            return Map.of("id", idempotency.get(key), "queue", "notifications", "state", "waiting", "duplicate", true);
        }
        Job j = new Job("n-" + UUID.randomUUID(), body.path("payload"), body.path("maxAttempts").asInt(5));
        jobs.put(j.id, j);
        if (key != null) {
            idempotency.put(key, j.id);
        }
        enqueued++;
        return Map.of("id", j.id, "queue", "notifications", "state", "waiting", "duplicate", false);
    }

    private synchronized List<Map<String, Object>> lease(int count) {
        long now = System.currentTimeMillis();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (out.size() >= count) {
                break;
            }
            boolean expired = j.state.equals("active") && j.leaseUntil < now;
            if ((j.state.equals("waiting") && j.readyAt <= now) || expired) {
                j.state = "active";
                j.attempts++;
                j.token = UUID.randomUUID().toString();
                j.leaseUntil = now + 30_000;
                out.add(Map.of("id", j.id, "token", j.token, "attempts", j.attempts, "maxAttempts", j.maxAttempts,
                        "payload", j.payload));
            }
        }
        return out;
    }

    private synchronized Map<String, Object> finish(String id, String token, boolean ack, String error) {
        Job j = jobs.get(id);
        if (j == null || !token.equals(j.token) || !j.state.equals("active")) {
            return Map.of("id", id, "state", "stale");
        }
        if (ack) {
            j.state = "completed";
        } else {
            j.lastError = error;
            if (j.attempts >= j.maxAttempts) {
                j.state = "dead";
            } else {
                j.state = "waiting";
                j.readyAt = System.currentTimeMillis() + Math.min(300_000, 1000L << Math.min(20, j.attempts - 1));
            }
        }
        return Map.of("id", id, "state", j.state);
    }

    private static void respond(HttpExchange ex, int status, Object body) throws IOException {
        byte[] out = MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    @Override
    public void close() {
        stop();
    }
}
