package io.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server process on a free loopback port, private to one test run: no test depends on, or leaves
 * anything in, the machine's shared Redis. It can be stopped and started again on the same port to test recovery.
 */
public final class RedisServer implements AutoCloseable {

    private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();

    private final int port;
    private final Path dir;
    private final boolean persistent;
    private Process process;

    /** @param persistent keep data in an append-only file, so a restart brings it back (like a production Redis) */
    public RedisServer(boolean persistent) {
        this.port = freePort();
        this.persistent = persistent;
        try {
            this.dir = Files.createTempDirectory("vigil-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized RedisServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
                "--dir", dir.toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server: install it (apt-get install redis-server)", e);
        }
        awaitListening(Duration.ofSeconds(10));
        return this;
    }

    /** Stops the server as a crash would (SIGKILL): connections drop, nothing is flushed beyond what fsync wrote. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
                }
                sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port + " within " + timeout);
    }

    /**
     * A port nothing listens on now, and never one this JVM handed out before: a test may choose the ports of several
     * servers before starting any of them (a suite whose services must know each other's URLs), and the kernel can
     * return the same free port twice meanwhile.
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (ISSUED.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
