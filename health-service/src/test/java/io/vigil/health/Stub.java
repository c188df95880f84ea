package io.vigil.health;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server whose paths answer what a test sets (status, body, delay) and count their requests: the
 * targets the checks hit.
 */
final class Stub implements AutoCloseable {

    record Answer(int status, String body, long delayMs) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, int[]> cycles = new ConcurrentHashMap<>();

    Stub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Answer a = answers.getOrDefault(path, new Answer(200, "{\"status\":\"UP\"}", 0));
            int[] cycle = cycles.get(path);
            if (cycle != null) {
                int status = cycle[(counts.get(path).get() - 1) % cycle.length];
                a = new Answer(status, "", 0);
            }
            if (a.delayMs() > 0) {
                try {
                    Thread.sleep(a.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (IOException clientGone) {
                // the check timed out and closed the connection
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    Stub answer(String path, int status, String body, long delayMs) {
        answers.put(path, new Answer(status, body, delayMs));
        return this;
    }

    Stub answer(String path, int status) {
        return answer(path, status, status < 400 ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}", 0);
    }

    /** The path answers these statuses in turn, request after request. */
    Stub cycle(String path, int... statuses) {
        cycles.put(path, statuses);
        return this;
    }

    int count(String path) {
        AtomicInteger c = counts.get(path);
        return c == null ? 0 : c.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
