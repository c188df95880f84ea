package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.vigil.system.Http;
import io.vigil.system.e2e.LoopbackApp;
import io.vigil.testing.ApiKeys;

/**
 * Raises test alerts routed to a webhook receiver of its own: every notification alert-service accepted and routed
 * must reach the receiver, through queue-service (or alert-service's direct fallback while the queue is down), whatever
 * was killed or restarted meanwhile. Lost = accepted and never delivered.
 */
final class NotificationWorkload implements Workload {

    private static final String RECEIVER = "fault-webhook";

    private final String base;
    private final LoopbackApp receiver = LoopbackApp.start();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();

    NotificationWorkload(String baseUrl) {
        this.base = baseUrl;
        Http.Reply routing = Http.send("PUT", base + "/api/v1/routing", ApiKeys.ADMIN, Map.of(
                "receivers", List.of(Map.of("name", RECEIVER, "type", "webhook", "url", receiver.webhookUrl())),
                "route", Map.of("receiver", RECEIVER, "groupWaitMs", 0)));
        if (!routing.ok()) {
            throw new IllegalStateException("PUT routing: " + routing.status() + " " + routing.json());
        }
    }

    @Override
    public String service() {
        return "alert-service";
    }

    @Override
    public String name() {
        return "alert-notify";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("alert-service", "queue-service");
    }

    @Override
    public boolean step() {
        String name = "fault-notify-" + sequence.incrementAndGet();
        // Routing reloads every second: until it has, a test alert goes to the default receiver and does not count.
        Http.Reply r = Http.send("POST", base + "/api/v1/alerts/test", ApiKeys.ADMIN, Map.of("alertname", name));
        if (r.ok() && r.json().path("receivers").toString().contains(RECEIVER)) {
            accepted.add(name);
            return true;
        }
        return false;
    }

    @Override
    public long accepted() {
        return accepted.size();
    }

    @Override
    public List<String> lost() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> missing;
        do {
            Set<String> delivered = ConcurrentHashMap.newKeySet();
            receiver.received().forEach(r -> delivered.add(r.body().path("groupLabels").path("alertname").asText()));
            missing = new ArrayList<>(accepted);
            missing.removeAll(delivered);
            if (missing.isEmpty()) {
                break;
            }
            LockSupport.parkNanos(200_000_000L);
        } while (System.nanoTime() < deadline);
        return missing.stream().map(n -> "notification " + n + " never delivered").toList();
    }

    @Override
    public void close() {
        receiver.close();
    }
}
