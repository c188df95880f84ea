package io.vigil.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A caller's own service acting as a namespace's loader: answers {@code GET /values/{key}} with
 * {@code {"key":..,"n":<call number>}}; can be told to answer 404 for keys starting with "missing", to fail
 * (500) or to hang.
 */
final class Origin implements AutoCloseable {

    enum Mode { OK, FAIL, HANG }

    final AtomicInteger calls = new AtomicInteger();
    /** Calls per key: background loads of other tests (a warming job still running) do not blur a test's count. */
    final java.util.Map<String, AtomicInteger> callsByKey = new java.util.concurrent.ConcurrentHashMap<>();
    /** Calls answered (the response sent): a load started before a write has certainly fetched its value. */
    final AtomicInteger completed = new AtomicInteger();
    volatile Mode mode = Mode.OK;
    volatile long delayMs;
    private final HttpServer server;

    Origin() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/values/", exchange -> {
            int n = calls.incrementAndGet();
            String key = exchange.getRequestURI().getPath().substring("/values/".length());
            callsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            try {
                if (mode == Mode.HANG) {
                    Thread.sleep(30_000);
                } else if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = mode == Mode.FAIL ? 500 : key.startsWith("missing") ? 404 : 200;
            byte[] body = ("{\"key\":\"" + key + "\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException ignored) {
                // the caller gave up (timeout)
            } finally {
                completed.incrementAndGet();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/values";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
