package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.system.Http;
import io.vigil.system.e2e.LoopbackApp;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.Resp;

/**
 * Flips a checked app between healthy and failing: each flip health-service shows (the target's state changed) is an
 * accepted write, and must have been published as a {@code health.transition} event on the stream alert-service
 * reads. Lost = a state change shown by the API that no event announced.
 */
final class TransitionWorkload implements Workload {

    private static final String TARGET = "fault-flip";
    /** health-service's transition stream (ARCHITECTURE.md). */
    static final String STREAM = "vigil:events:health.transition";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String status;
    private final IntSupplier streamPort;
    private final LoopbackApp app = LoopbackApp.start();
    /** The states health-service showed after each flip, in order (guarded by this). */
    private final List<String> shown = new ArrayList<>();
    private boolean healthy = true;

    /** @param streamPort the port of the Redis (node) that holds the transition stream, asked at each read */
    TransitionWorkload(String baseUrl, IntSupplier streamPort) {
        this.base = baseUrl + "/api/v1/targets/" + TARGET;
        this.status = baseUrl + "/api/v1/status/targets/" + TARGET;
        this.streamPort = streamPort;
        Http.Reply put = Http.send("PUT", base, ApiKeys.ADMIN, Map.of("name", TARGET, "type", "http",
                "url", app.healthUrl(), "intervalMs", 1000, "timeoutMs", 800, "failureThreshold", 1,
                "successThreshold", 1, "conditions", List.of("[STATUS] == 200")));
        if (!put.ok()) {
            throw new IllegalStateException("PUT target: " + put.status() + " " + put.json());
        }
    }

    @Override
    public String service() {
        return "health-service";
    }

    @Override
    public String name() {
        return "health-transitions";
    }

    /** One flip at a time (the runner has two writers): true once health-service shows the new state. */
    @Override
    public synchronized boolean step() {
        String expected = healthy ? "DOWN" : "UP";
        healthy = !healthy;
        app.healthy(healthy);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            Http.Reply r = Http.send("GET", status, ApiKeys.READER, null);
            if (r.ok() && expected.equals(r.json().path("state").asText())) {
                shown.add(expected);
                return true;
            }
            LockSupport.parkNanos(50_000_000L);
        }
        return false;
    }

    @Override
    public synchronized long accepted() {
        return shown.size();
    }

    @Override
    public List<String> lost() {
        List<String> expected;
        synchronized (this) {
            expected = List.copyOf(shown);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<String> missing;
        do {
            missing = missing(expected, published());
            if (missing.isEmpty()) {
                break;
            }
            LockSupport.parkNanos(200_000_000L);
        } while (System.nanoTime() < deadline);
        return missing;
    }

    /** Each state the API showed must be announced by a later event than the one before (in order, repeats allowed). */
    private static List<String> missing(List<String> shown, List<String> published) {
        List<String> missing = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < shown.size(); i++) {
            int found = published.subList(Math.min(at, published.size()), published.size()).indexOf(shown.get(i));
            if (found < 0) {
                missing.add("transition #" + (i + 1) + " to " + shown.get(i) + " never published");
            } else {
                at += found + 1;
            }
        }
        return missing;
    }

    /** The {@code to} states of the target's published transitions, oldest first (null on a failed read). */
    private List<String> published() {
        List<String> states = new ArrayList<>();
        try (Resp redis = new Resp(streamPort.getAsInt())) {
            for (Resp.Entry e : redis.range(TransitionWorkload.STREAM, 0)) {
                JsonNode payload = JSON.readTree(e.fields().getOrDefault("payload", "null"));
                if (TARGET.equals(payload.path("target").asText())) {
                    states.add(payload.path("to").asText());
                }
            }
        } catch (Exception e) {
            return states; // Redis not answering yet: read again
        }
        return states;
    }

    @Override
    public void close() {
        app.close();
    }
}
