package io.vigil.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Vigil service ({@code target/quarkus-app/quarkus-run.jar}) run as a child process, for tests that a
 * {@code @QuarkusTest} cannot express: SIGKILL mid-work, restart, several replicas on one Redis. Used from
 * failsafe {@code *IT} classes, which run after {@code package}.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path jar;
    private final Map<String, String> properties;
    private final int port;
    private final Path log;
    private Process process;

    /**
     * @param properties system properties for the service, e.g. {@code quarkus.redis.hosts}; the test API keys and
     *                   an in-memory embedded MongoDB are set unless given
     */
    public ServiceProcess(Path moduleDir, Map<String, String> properties) {
        this.jar = moduleDir.resolve("target/quarkus-app/quarkus-run.jar");
        this.port = RedisServer.freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("vigil.auth.reader-keys", "test-reader-key");
        all.put("vigil.auth.writer-keys", "test-writer-key");
        all.put("vigil.auth.admin-keys", "test-admin-key");
        all.put("vigil.mongo.embedded.data-file", "");
        all.put("quarkus.log.console.json.enabled", "false");
        all.putAll(properties);
        all.put("quarkus.http.port", Integer.toString(port));
        this.properties = all;
        try {
            this.log = Files.createTempFile("vigil-service-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets a system property for the next {@link #start}; the HTTP port stays the one chosen at construction. */
    public synchronized ServiceProcess property(String key, String value) {
        if (!"quarkus.http.port".equals(key)) {
            properties.put(key, value);
        }
        return this;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** Starts the service and waits until {@code /q/health/ready} answers 200. */
    public synchronized ServiceProcess start(Duration timeout) {
        launch();
        awaitReady(timeout);
        return this;
    }

    /**
     * Starts every service at once, then waits until each is ready: JVM start-ups overlap (class loading waits on
     * the disk, the services on each other's ports), which is faster than one after another.
     */
    public static void startAll(Collection<ServiceProcess> services, Duration timeout) {
        services.forEach(ServiceProcess::launch);
        services.forEach(service -> service.awaitReady(timeout));
    }

    private synchronized void launch() {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the IT through 'mvn verify' (after package)");
        }
        // C1 only, as the images and ./vigil run a service (deploy/docker/Dockerfile.jvm)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + jar, e);
        }
    }

    /** SIGKILL: no shutdown hook runs, in-flight work is cut off exactly as when a pod is OOM-killed. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** SIGTERM: what Kubernetes sends first; Quarkus shuts down gracefully. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitFor();
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private synchronized void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited during start-up; see " + log);
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("service not ready within " + timeout + "; see " + log);
    }
}
