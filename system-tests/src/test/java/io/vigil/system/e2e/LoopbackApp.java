package io.vigil.system.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vigil.testing.RedisServer;

/**
 * The test's own app on loopback: the monitored application's health endpoint ({@code /app/health}) and the webhook
 * receiver ({@code /webhook}) that records every notification it gets. Faults are switched on it: the app failing,
 * the receiver answering late, or the receiver down altogether (stopped: connection refused) and back on the same
 * port.
 */
public final class LoopbackApp implements AutoCloseable {

    /** A notification as the receiver got it. {@code inTime}: answered 2xx at once (not while slow). */
    public record Received(long atNanos, JsonNode body, boolean inTime) {
        public String id() {
            return body.path("id").asText();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int port = RedisServer.freePort();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-app");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean healthy = true;
    private volatile long webhookDelayMs;
    private HttpServer server;

    private LoopbackApp() {
    }

    public static LoopbackApp start() {
        LoopbackApp app = new LoopbackApp();
        app.up();
        return app;
    }

    /** (Re)binds the same port; a just-closed listener may need a moment to free it. */
    public synchronized void up() {
        if (server != null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
                break;
            } catch (BindException busy) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("port " + port + " still taken", busy);
                }
                LockSupport.parkNanos(50_000_000L);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        server.createContext("/app/health", this::health);
        server.createContext("/webhook", this::webhook);
        server.setExecutor(handlers);
        server.start();
    }

    /** The receiver is down: the listener is closed, so every connection is refused. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public String healthUrl() {
        return "http://127.0.0.1:" + port + "/app/health";
    }

    public String webhookUrl() {
        return "http://127.0.0.1:" + port + "/webhook";
    }

    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** 0: answer at once; otherwise the receiver answers only after this long (slower than the sender waits). */
    public void webhookDelayMs(long delayMs) {
        this.webhookDelayMs = delayMs;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** The first notification answered in time that matches, or null. */
    public Received delivered(Predicate<JsonNode> match) {
        return received.stream().filter(r -> r.inTime() && match.test(r.body())).findFirst().orElse(null);
    }

    /** Whether a notification body carries the alert {@code fingerprint} with {@code status}. */
    public static boolean about(JsonNode body, String fingerprint, String status) {
        if (!status.equals(body.path("status").asText())) {
            return false;
        }
        for (JsonNode alert : body.path("alerts")) {
            if (fingerprint.equals(alert.path("fingerprint").asText()) && status.equals(alert.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    private void health(HttpExchange exchange) throws IOException {
        boolean up = healthy;
        respond(exchange, up ? 200 : 503, up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }

    private void webhook(HttpExchange exchange) throws IOException {
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = MAPPER.readTree(in.readAllBytes());
        } catch (IOException notJson) {
            respond(exchange, 400, "{\"error\":\"not JSON\"}");
            return;
        }
        long delay = webhookDelayMs;
        received.add(new Received(System.nanoTime(), body, delay == 0));
        if (delay > 0) {
            LockSupport.parkNanos(delay * 1_000_000L);
        }
        try {
            respond(exchange, 200, "{}");
        } catch (IOException senderGaveUp) {
            // The sender timed out while we were slow: exactly the fault under test.
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        down();
        handlers.shutdownNow();
    }
}
