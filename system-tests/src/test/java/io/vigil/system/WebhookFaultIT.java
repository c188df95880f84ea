package io.vigil.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.vigil.system.e2e.LoopbackApp;
import io.vigil.system.e2e.NotificationJobs;
import io.vigil.system.e2e.Responsiveness;
import io.vigil.system.e2e.Steps;
import io.vigil.system.e2e.Text;
import io.vigil.testing.ApiKeys;

/**
 * A slow and a dead webhook receiver as system-level faults, each with a report line: notifications raised while the
 * receiver answers later than alert-service waits, or refuses connections, are retried through queue-service (not
 * lost, not dead-lettered, not sent by the in-memory fallback) and delivered once the receiver is healthy again;
 * alert-service and queue-service stay ready and answer meanwhile. The time from the receiver's recovery to the
 * last delivery is reported; it is bounded by queue-service's retry backoff (exponential from 1 s, equal jitter).
 */
class WebhookFaultIT {

    /** Shorter than the default 5 s so a slow receiver costs the test seconds, not tens of seconds. */
    private static final long SEND_TIMEOUT_MS = 1000;
    private static final long SLOW_RECEIVER_MS = 3000;
    private static final int NOTIFICATIONS = 5;

    static Suite suite;
    static LoopbackApp receiver;
    static String alerts;
    static String queue;
    static NotificationJobs jobs;

    @BeforeAll
    static void start() {
        receiver = LoopbackApp.start();
        suite = Suite.start(Map.of("alert-service",
                Map.of("vigil.alert.delivery.send-timeout", SEND_TIMEOUT_MS + "ms")));
        alerts = suite.service("alert-service").baseUrl();
        queue = suite.service("queue-service").baseUrl();
        jobs = new NotificationJobs(queue);
        Http.Reply routing = Http.send("PUT", alerts + "/api/v1/routing", ApiKeys.ADMIN, Map.of(
                "receivers", List.of(Map.of("name", "e2e-webhook", "type", "webhook", "url", receiver.webhookUrl())),
                "route", Map.of("receiver", "e2e-webhook", "groupWaitMs", 0)));
        assertThat(routing.ok()).as("PUT routing: %s", routing.json()).isTrue();
        // Routing is reloaded every second: a healthy delivery first, so the faults below start from a working path.
        Steps steps = new Steps("webhook", suite);
        steps.await("warm-up: a test alert routed to the receiver", Duration.ofSeconds(15),
                () -> testAlert("e2e-warm-up", 0), routed -> routed);
        steps.await("warm-up: delivered", Duration.ofSeconds(15),
                () -> receiver.delivered(b -> named(b, "e2e-warm-up")), r -> true);
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void slowReceiverGetsEveryNotificationOnceItAnswersInTime() throws Exception {
        String name = "e2e-slow-receiver";
        Steps steps = new Steps("slow", suite);
        receiver.webhookDelayMs(SLOW_RECEIVER_MS);
        try (Responsiveness probes = probes()) {
            int accepted = raise(name);
            steps.await("every notification reached the slow receiver and timed out at least twice",
                    Duration.ofSeconds(30), () -> jobsOf(name), js -> js.size() == accepted
                            && js.stream().allMatch(j -> failedTwice(j, "e2e-webhook")));
            long healed = System.nanoTime();
            receiver.webhookDelayMs(0);
            report("webhook-slow " + SLOW_RECEIVER_MS + "ms>" + SEND_TIMEOUT_MS + "ms timeout", name, accepted,
                    healed, steps, probes);
        }
    }

    @Test
    void deadReceiverGetsEveryNotificationOnceItIsBack() throws Exception {
        String name = "e2e-dead-receiver";
        Steps steps = new Steps("dead", suite);
        receiver.down();
        try (Responsiveness probes = probes()) {
            int accepted = raise(name);
            steps.await("every notification refused by the dead receiver at least twice", Duration.ofSeconds(30),
                    () -> jobsOf(name), js -> js.size() == accepted
                            && js.stream().allMatch(j -> failedTwice(j, "unreachable")));
            steps.check("nothing reached the dead receiver", receiver.received().stream()
                    .noneMatch(r -> named(r.body(), name)), receiver.received());
            long healed = System.nanoTime();
            receiver.up();
            report("webhook-dead (refused)", name, accepted, healed, steps, probes);
        }
    }

    /** Raises {@link #NOTIFICATIONS} test alerts named {@code name}; returns how many alert-service accepted. */
    private static int raise(String name) {
        int accepted = 0;
        for (int i = 0; i < NOTIFICATIONS; i++) {
            if (testAlert(name, i)) {
                accepted++;
            }
        }
        assertThat(accepted).as("test alerts alert-service accepted and routed to the receiver").isEqualTo(NOTIFICATIONS);
        return accepted;
    }

    /** {@code POST /alerts/test}: true if alert-service accepted it and routed it to the receiver. */
    private static boolean testAlert(String name, int n) {
        Http.Reply r = Http.send("POST", alerts + "/api/v1/alerts/test", ApiKeys.ADMIN,
                Map.of("alertname", name, "n", Integer.toString(n)));
        return r.ok() && r.json().path("receivers").toString().contains("e2e-webhook");
    }

    private static boolean named(JsonNode notification, String name) {
        return name.equals(notification.path("groupLabels").path("alertname").asText());
    }

    private static List<JsonNode> jobsOf(String name) {
        return jobs.all().stream().filter(j -> named(j.path("payload"), name)).toList();
    }

    /**
     * Whether a job's first two attempts both ended without delivery: a third lease, or a second one that is over
     * (the job is back to waiting or backing off); the last error names the fault.
     */
    private static boolean failedTwice(JsonNode job, String error) {
        int attempts = job.path("attempts").asInt();
        String state = job.path("state").asText();
        return job.path("lastError").asText().contains(error) && !state.equals("completed")
                && (attempts >= 3 || attempts == 2 && (state.equals("delayed") || state.equals("waiting")));
    }

    private static Responsiveness probes() {
        return new Responsiveness(List.of(alerts + "/q/health/ready", alerts + "/api/v1/alerts",
                queue + "/q/health/ready", queue + "/api/v1/queues/notifications/stats"));
    }

    /**
     * Waits for every accepted notification to be delivered in time, then prints the fault's report line (as
     * LoadRunner's) and asserts: nothing lost, nothing dead-lettered, nothing sent around the queue, both services
     * ready and without a 5xx throughout.
     */
    private static void report(String fault, String name, int accepted, long healed, Steps steps,
            Responsiveness probes) {
        Map<String, Long> deliveredAt = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            deliveredAt.clear();
            receiver.received().stream().filter(r -> r.inTime() && named(r.body(), name))
                    .forEach(r -> deliveredAt.putIfAbsent(r.id(), r.atNanos()));
            if (deliveredAt.size() >= accepted) {
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
        long lost = accepted - deliveredAt.size();
        long recoveredMs = deliveredAt.values().stream().mapToLong(at -> (at - healed) / 1_000_000).max().orElse(-1);
        // The worker acks a job just after the receiver answered: give the acks a moment (bounded).
        long acked = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonNode> queued = jobsOf(name);
        while (System.nanoTime() < acked && !(queued.size() == accepted
                && queued.stream().allMatch(j -> j.path("state").asText().equals("completed")))) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            queued = jobsOf(name);
        }
        long retries = queued.stream().mapToLong(j -> j.path("attempts").asLong() - 1).sum();
        System.out.printf("fault %-28s %-15s accepted %6d, accepted-then-lost %d, 5xx %d, recovered in %s%n", fault,
                "alert-service", accepted, lost, probes.serverErrors(),
                lost > 0 ? "never (within 60 s)" : recoveredMs + " ms");
        System.out.printf("      %d retries through queue-service; %d probes of alert-service and queue-service,"
                + " slowest %d ms%n", retries, probes.probes(), probes.maxMs());

        List<String> problems = new ArrayList<>();
        if (lost > 0) {
            problems.add(lost + " accepted notifications never delivered: delivered " + deliveredAt.keySet());
        }
        if (queued.size() != accepted || !queued.stream().allMatch(j -> j.path("state").asText().equals("completed"))) {
            problems.add("every notification should be a completed job on queue-service: " + queued);
        }
        if (retries < 2L * accepted) {
            problems.add("the faulty receiver should have cost every notification two retries: " + retries);
        }
        JsonNode dead = Http.send("GET", alerts + "/api/v1/notifications/dead", ApiKeys.READER, null).json();
        if (dead.toString().contains(name)) {
            problems.add("dead-lettered: " + dead);
        }
        long fallback = fallbackDeliveries();
        if (fallback != 0) {
            problems.add(fallback + " notifications went around the queue (fallback)");
        }
        if (!probes.failures().isEmpty()) {
            problems.add("alert-service or queue-service not ready or failing during the fault: " + probes.failures());
        }
        if (probes.maxMs() > 2000) {
            problems.add("a probe took " + probes.maxMs() + " ms");
        }
        steps.check(fault + ": notifications delivered once healthy, through the queue, services responsive",
                problems.isEmpty(), problems);
    }

    private static final Pattern FALLBACK = Pattern.compile(
            "^vigil_alert_notifications_routed_total\\{[^}]*path=\"fallback\"[^}]*\\}\\s+([0-9.eE+-]+)",
            Pattern.MULTILINE);

    private static long fallbackDeliveries() {
        Matcher m = FALLBACK.matcher(Text.get(alerts + "/q/metrics").body());
        long total = 0;
        while (m.find()) {
            total += (long) Double.parseDouble(m.group(1));
        }
        return total;
    }
}
