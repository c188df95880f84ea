package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * H3: a check reads at most {@code probe.max-body-kib} of a body and resets a request that outlives its timeout, so
 * a target answering an endless body or trickling its answer costs one bounded check, not a download or a connection
 * held forever.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class BoundedProbeTest {

    final Api api = new Api();

    @Test
    void anEndlessBodyIsReadUpToTheLimitAndTheRequestIsReset() throws Exception {
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'x');
        try (RawServer server = new RawServer(out -> {
            out.write("ok".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(chunk);
            }
        })) {
            Map<String, Object> t = Api.http("endless-body", server.url(), 3_000);
            t.put("timeoutMs", 2_000);
            t.put("conditions", List.of("[STATUS] == 200", "[BODY] == pat(ok*)"));
            api.createTarget(t);
            // Read to the limit, the request reset: the check completes (today it downloads until its timeout).
            Await.until("UP on the first 64 KiB", 15_000, () -> api.state("endless-body").equals("UP"));
            Await.until("the server sees the connection reset", 5_000, () -> server.closed.get() > 0);
            assertThat(server.bytes.get()).as("bytes the server could send before the reset")
                    .isLessThan(32L * 1024 * 1024);
        } finally {
            api.deleteTarget("endless-body");
        }
    }

    @Test
    void aTricklingAnswerTimesOutAndItsConnectionIsReset() throws Exception {
        try (RawServer server = new RawServer(out -> {
            while (true) {
                // A byte every 200 ms: never idle long enough for an idle timeout, never done.
                out.write('x');
                out.flush();
                Thread.sleep(200);
            }
        })) {
            Map<String, Object> t = Api.http("trickle-body", server.url(), 3_000);
            t.put("timeoutMs", 1_000);
            api.createTarget(t);
            Await.until("a check started", 10_000, () -> server.connections.get() > 0);
            Await.until("the trickling request is reset soon after its timeout", 5_000,
                    () -> server.closed.get() > 0);
            Await.until("DOWN, timed out", 15_000, () -> api.as(ApiKeys.READER)
                    .get("/api/v1/status/targets/trickle-body").then().extract().jsonPath().getString("lastError")
                    .contains("timed out after 1000 ms"));
        } finally {
            api.deleteTarget("trickle-body");
        }
    }

    /** An HTTP/1.1 server answering 200 with a body of unknown length that {@code body} writes until it fails. */
    static final class RawServer implements AutoCloseable {

        interface Body {
            void write(OutputStream out) throws Exception;
        }

        final AtomicInteger connections = new AtomicInteger();
        /** Connections whose writes failed: the client reset or closed them. */
        final AtomicInteger closed = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        private final ServerSocket socket;

        RawServer(Body body) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        Thread worker = new Thread(() -> serve(s, body));
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket s, Body body) {
            try (s) {
                byte[] head = new byte[4096];
                s.getInputStream().read(head);
                OutputStream raw = s.getOutputStream();
                OutputStream out = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        raw.write(b);
                        bytes.incrementAndGet();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        raw.write(b, off, len);
                        bytes.addAndGet(len);
                    }

                    @Override
                    public void flush() throws IOException {
                        raw.flush();
                    }
                };
                raw.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                raw.flush();
                body.write(out);
            } catch (Exception e) {
                closed.incrementAndGet();
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
