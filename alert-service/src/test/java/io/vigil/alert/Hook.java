package io.vigil.alert;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on loopback recording every request (webhook, Slack, PagerDuty, Twilio-style SMS). It can
 * answer 503 ({@link #failing}) or be stopped and restarted on the same port (receiver down, then up).
 */
public final class Hook implements AutoCloseable {

    public record Request(String path, String body, String authorization, long at) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final int port;
    private HttpServer server;
    public volatile boolean failing;

    public Hook() {
        this(0);
    }

    public Hook(int port) {
        start(port);
        this.port = server.getAddress().getPort();
    }

    private void start(int p) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", ex -> {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = failing ? 503 : 200;
            if (!failing) {
                requests.add(new Request(ex.getRequestURI().toString(), body,
                        ex.getRequestHeaders().getFirst("Authorization"), System.currentTimeMillis()));
            }
            byte[] out = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public List<Request> requests() {
        return requests;
    }

    public List<Request> where(Predicate<Request> p) {
        return requests.stream().filter(p).toList();
    }

    public void down() {
        server.stop(0);
    }

    public void up() {
        start(port);
    }

    /** Polls until {@code n} requests match, or fails after {@code timeout}. */
    public List<Request> await(Predicate<Request> p, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Request> found = where(p);
            if (found.size() >= n) {
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("expected " + n + " matching requests within " + timeout + ", got " + where(p).size()
                + ": " + requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
