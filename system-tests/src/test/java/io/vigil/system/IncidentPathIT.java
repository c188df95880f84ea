package io.vigil.system;

import java.time.Duration;
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
import io.vigil.system.e2e.SampleLoad;
import io.vigil.system.e2e.Steps;
import io.vigil.system.e2e.Text;
import io.vigil.testing.ApiKeys;

/**
 * The incident path a user depends on, end to end through the public APIs of the running services, each step with
 * a deadline: latency injected → percentiles and the Prometheus histogram move → the p95 rule goes pending → firing
 * → a notification job on queue-service → the webhook receives it → latency removed → resolved → the receiver gets
 * the resolution; and a target down → health transition → the DOWN rule fires → the status page shows it →
 * recovery → resolved. The monitored app and the webhook receiver are the test's own HTTP server on loopback.
 */
class IncidentPathIT {

    private static final String SHOP = "e2e-shop";
    private static final String ENDPOINT = "/shop/search";
    private static final String P95_RULE = "e2e-search-p95";
    private static final String DOWN_RULE = "e2e-app-down";
    private static final String TARGET = "e2e-app";
    private static final double THRESHOLD_MS = 300;
    private static final long FOR_MS = 3000;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    static Suite suite;
    static LoopbackApp app;
    static String metrics;
    static String health;
    static String alerts;
    static NotificationJobs jobs;

    @BeforeAll
    static void start() {
        app = LoopbackApp.start();
        suite = Suite.start();
        metrics = suite.service("metrics-service").baseUrl();
        health = suite.service("health-service").baseUrl();
        alerts = suite.service("alert-service").baseUrl();
        jobs = new NotificationJobs(suite.service("queue-service").baseUrl());
        // The demo's watch setup (./vigil demo_watch_setup) at test timings: one webhook receiver, two rules.
        admin("PUT", alerts + "/api/v1/routing", Map.of(
                "receivers", List.of(Map.of("name", "e2e-webhook", "type", "webhook", "url", app.webhookUrl(),
                        "sendResolved", true)),
                "route", Map.of("receiver", "e2e-webhook", "groupBy", List.of("alertname"), "groupWaitMs", 0,
                        "groupIntervalMs", 1000, "repeatIntervalMs", 600000)));
        admin("PUT", alerts + "/api/v1/rules/" + P95_RULE, Map.of("id", P95_RULE, "source", "metrics",
                "expr", "p95Ms > " + (int) THRESHOLD_MS, "matchers", List.of("service=" + SHOP, "endpoint=" + ENDPOINT),
                "severity", "warning", "forMs", FOR_MS, "keepFiringForMs", 0,
                "annotations", Map.of("summary", "{{ $labels.endpoint }} p95 is {{ $value }} ms")));
        admin("PUT", alerts + "/api/v1/rules/" + DOWN_RULE, Map.of("id", DOWN_RULE, "source", "health",
                "expr", "state == DOWN", "matchers", List.of("target=" + TARGET), "severity", "critical",
                "annotations", Map.of("summary", "{{ $labels.target }} is DOWN")));
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void latencyInjectedFiresTheP95RuleThroughTheQueueToTheWebhookAndResolves() throws Exception {
        Steps steps = new Steps("latency", suite);
        try (SampleLoad load = new SampleLoad(metrics, SHOP, ENDPOINT)) {
            load.latencyMs(20);
            steps.await("1 baseline: metrics API shows " + SHOP + " " + ENDPOINT + " with p95 below 300 ms",
                    Duration.ofSeconds(20), IncidentPathIT::endpointRow,
                    row -> row.path("count").asLong() >= 20 && row.path("p95Ms").asDouble() < THRESHOLD_MS);
            long slowBefore = steps.await("2 baseline: Prometheus histogram of " + SHOP + " exported",
                    Duration.ofSeconds(10), IncidentPathIT::prometheusAbove500ms, n -> n >= 0);
            JsonNode statsBefore = steps.await("3 baseline: queue-service stats of the notifications queue",
                    Duration.ofSeconds(10), jobs::stats, s -> s.has("totals"));

            load.latencyMs(900);
            steps.await("4 latency injected: metrics API p95 above 300 ms", Duration.ofSeconds(15),
                    IncidentPathIT::endpointRow, row -> row.path("p95Ms").asDouble() > THRESHOLD_MS);
            steps.await("5 latency injected: Prometheus histogram counts samples above 0.5 s",
                    Duration.ofSeconds(15), IncidentPathIT::prometheusAbove500ms, n -> n > slowBefore);
            JsonNode pending = steps.await("6 p95 rule pending", Duration.ofSeconds(15),
                    () -> activeAlert(P95_RULE), a -> true);
            String fp = pending.path("fingerprint").asText();
            JsonNode firing = steps.await("7 p95 rule firing after forMs", Duration.ofSeconds(15),
                    () -> alert(fp), a -> "firing".equals(a.path("state").asText()));
            long pendingAt = historyAt(firing, "pending");
            long firingAt = historyAt(firing, "firing");
            steps.check("7 p95 rule firing after forMs: pending, then firing at least forMs later",
                    pendingAt > 0 && firingAt - pendingAt >= FOR_MS - 300, firing.path("history"));
            JsonNode labels = firing.path("labels");
            steps.check("7 p95 rule firing: the alert's labels name the rule, service, endpoint and severity",
                    P95_RULE.equals(labels.path("alertname").asText()) && SHOP.equals(labels.path("service").asText())
                            && ENDPOINT.equals(labels.path("endpoint").asText())
                            && "warning".equals(labels.path("severity").asText())
                            && firing.path("value").asDouble() > THRESHOLD_MS, firing);

            JsonNode job = steps.await("8 notification job for the firing alert on queue-service",
                    Duration.ofSeconds(10), () -> jobs.find(p -> LoopbackApp.about(p, fp, "firing")), j -> true);
            steps.await("8 queue-service stats count the enqueued notification", Duration.ofSeconds(5), jobs::stats,
                    s -> s.path("totals").path("enqueued").asLong() > statsBefore.path("totals").path("enqueued").asLong());
            LoopbackApp.Received hook = steps.await("9 webhook receiver got the firing notification",
                    Duration.ofSeconds(15), () -> app.delivered(b -> LoopbackApp.about(b, fp, "firing")), r -> true);
            JsonNode body = hook.body();
            JsonNode item = body.path("alerts").get(0);
            steps.check("9 the webhook payload is the queued job's notification, firing, with the alert's labels",
                    body.path("id").asText().equals(job.path("payload").path("id").asText())
                            && "e2e-webhook".equals(body.path("receiver").asText())
                            && P95_RULE.equals(body.path("groupLabels").path("alertname").asText())
                            && "firing".equals(item.path("status").asText())
                            && P95_RULE.equals(item.path("labels").path("alertname").asText())
                            && SHOP.equals(item.path("labels").path("service").asText())
                            && ENDPOINT.equals(item.path("labels").path("endpoint").asText())
                            && item.path("annotations").path("summary").asText().startsWith(ENDPOINT + " p95 is "),
                    body);

            load.latencyMs(20);
            // The live window is the current 10 s bucket and the one before: the slow samples leave it within 20 s.
            steps.await("10 latency removed: p95 alert resolved", Duration.ofSeconds(40), () -> alert(fp),
                    a -> "resolved".equals(a.path("state").asText()));
            LoopbackApp.Received resolved = steps.await("11 webhook receiver got the resolved notification",
                    Duration.ofSeconds(15), () -> app.delivered(b -> LoopbackApp.about(b, fp, "resolved")), r -> true);
            steps.check("11 the resolved notification names the alert and when it ended",
                    P95_RULE.equals(resolved.body().path("alerts").get(0).path("labels").path("alertname").asText())
                            && resolved.body().path("alerts").get(0).path("endsAt").isTextual(), resolved.body());
            steps.await("12 per-10 s series: a bucket with p95 above 300 ms, then a later one below", Duration.ofSeconds(15),
                    IncidentPathIT::p95Series, IncidentPathIT::highThenNormal);
            steps.check("the load's samples were all accepted", load.refused() == 0, load.refused() + " refused");
        }
    }

    @Test
    void targetDownIsATransitionAnAlertAndAnIncidentOnTheStatusPageUntilItRecovers() {
        Steps steps = new Steps("target", suite);
        app.healthy(true);
        admin("PUT", health + "/api/v1/targets/" + TARGET, Map.of("name", TARGET, "type", "http",
                "url", app.healthUrl(), "intervalMs", 1000, "timeoutMs", 500, "failureThreshold", 2, "group", "e2e",
                "conditions", List.of("[STATUS] == 200", "[BODY].status == UP")));
        steps.await("1 target " + TARGET + " UP on health-service", Duration.ofSeconds(15), () -> targetStatus(),
                s -> "UP".equals(s.path("state").asText()));

        app.healthy(false);
        JsonNode down = steps.await("2 health transition UP -> DOWN", Duration.ofSeconds(15), () -> transition("DOWN"),
                t -> true);
        steps.check("2 the transition says why", down.path("reason").asText().contains("[STATUS] == 200"), down);
        steps.await("3 status API shows " + TARGET + " DOWN", Duration.ofSeconds(5), () -> targetStatus(),
                s -> "DOWN".equals(s.path("state").asText()));
        JsonNode alert = steps.await("4 the DOWN rule's alert firing", Duration.ofSeconds(10),
                () -> activeAlert(DOWN_RULE), a -> "firing".equals(a.path("state").asText()));
        String fp = alert.path("fingerprint").asText();
        steps.check("4 the alert names the target", TARGET.equals(alert.path("labels").path("target").asText())
                && "critical".equals(alert.path("labels").path("severity").asText()), alert);
        steps.await("5 webhook receiver got the DOWN alert", Duration.ofSeconds(15),
                () -> app.delivered(b -> LoopbackApp.about(b, fp, "firing")), r -> true);
        steps.await("6 status page data: overall DOWN, red banner naming " + TARGET + ", the target DOWN",
                Duration.ofSeconds(10), IncidentPathIT::page,
                p -> "DOWN".equals(p.path("overall").asText()) && p.path("banner").asText().contains(TARGET)
                        && "DOWN".equals(pageTarget(p).path("state").asText()));
        Text.Reply html = Text.get(health + "/");
        steps.check("6 the status page itself is served", html.status() == 200
                && html.contentType().startsWith("text/html") && html.body().contains("status.js"), html);

        Http.Reply created = Http.send("POST", health + "/api/v1/incidents", ApiKeys.ADMIN, Map.of(
                "title", TARGET + " is down", "message", "the health endpoint answers 503", "severity", "major",
                "targets", List.of(TARGET)));
        steps.check("7 operator opens an incident", created.status() == 201, created);
        String incident = created.json().path("id").asText();
        steps.await("7 incident open on the status page", Duration.ofSeconds(10), IncidentPathIT::page,
                p -> pageIncident(p, incident) != null && !pageIncident(p, incident).path("resolvedAt").isTextual());

        app.healthy(true);
        steps.await("8 health transition DOWN -> UP", Duration.ofSeconds(15), () -> transition("UP"), t -> true);
        steps.await("9 the DOWN alert resolved", Duration.ofSeconds(10), () -> alert(fp),
                a -> "resolved".equals(a.path("state").asText()));
        steps.await("10 webhook receiver got the resolution", Duration.ofSeconds(15),
                () -> app.delivered(b -> LoopbackApp.about(b, fp, "resolved")), r -> true);
        Http.Reply resolved = Http.send("POST", health + "/api/v1/incidents/" + incident + "/resolve", ApiKeys.ADMIN,
                Map.of("message", "recovered"));
        steps.check("11 operator resolves the incident", resolved.ok(), resolved);
        steps.await("11 status page: banner gone, target UP, incident shown resolved", Duration.ofSeconds(10),
                IncidentPathIT::page, p -> !p.path("banner").asText().contains(TARGET)
                        && "UP".equals(pageTarget(p).path("state").asText())
                        && pageIncident(p, incident) != null && pageIncident(p, incident).path("resolvedAt").isTextual());
    }

    private static void admin(String method, String url, Object body) {
        Http.Reply r = Http.send(method, url, ApiKeys.ADMIN, body);
        if (!r.ok()) {
            throw new AssertionError("setup " + method + " " + url + " answered " + r.status() + ": " + r.json());
        }
    }

    /** The metrics API's row for the shop's endpoint over the last 15 minutes, or null before it has one. */
    private static JsonNode endpointRow() {
        Http.Reply r = Http.send("GET", metrics + "/api/v1/metrics/endpoints?window=15m&service=" + SHOP,
                ApiKeys.READER, null);
        for (JsonNode row : r.json().path("items")) {
            if (ENDPOINT.equals(row.path("endpoint").asText())) {
                return row;
            }
        }
        return null;
    }

    /** p95 of the shop's endpoint per 10 s bucket over the last 15 minutes (rollups and open buckets alike). */
    private static JsonNode p95Series() {
        Http.Reply r = Http.send("GET", metrics + "/api/v1/metrics/series?metric=p95Ms&step=10s&window=15m&service="
                + SHOP + "&endpoint=" + ENDPOINT, ApiKeys.READER, null);
        return r.ok() ? r.json().path("points") : null;
    }

    private static boolean highThenNormal(JsonNode points) {
        boolean high = false;
        for (JsonNode p : points) {
            if (p.path("count").asLong() == 0) {
                continue;
            }
            if (p.path("value").asDouble() > THRESHOLD_MS) {
                high = true;
            } else if (high) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern BUCKET = Pattern.compile(
            "^vigil_http_request_duration_seconds_(bucket|count)\\{([^}]*)\\}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);

    /** Samples of the shop's endpoint above 0.5 s in metrics-service's Prometheus histogram; null before any. */
    private static Long prometheusAbove500ms() {
        Text.Reply r = Text.get(metrics + "/q/metrics");
        double count = -1;
        double below = 0;
        Matcher m = BUCKET.matcher(r.body());
        while (m.find()) {
            String labels = m.group(2);
            if (!labels.contains("service=\"" + SHOP + "\"") || !labels.contains("endpoint=\"" + ENDPOINT + "\"")) {
                continue;
            }
            double v = Double.parseDouble(m.group(3));
            if (m.group(1).equals("count")) {
                count = Math.max(count, 0) + v;
            } else if (labels.contains("le=\"0.5\"")) {
                below += v;
            }
        }
        return count < 0 ? null : Math.round(count - below);
    }

    /** The newest active alert of a rule (pending or firing), or null. */
    private static JsonNode activeAlert(String rule) {
        for (JsonNode a : Http.send("GET", alerts + "/api/v1/alerts?state=active", ApiKeys.READER, null).json()) {
            if (rule.equals(a.path("rule").asText())) {
                return a;
            }
        }
        return null;
    }

    /** One alert with its history, or null. */
    private static JsonNode alert(String fingerprint) {
        Http.Reply r = Http.send("GET", alerts + "/api/v1/alerts/" + fingerprint, ApiKeys.READER, null);
        return r.ok() ? r.json() : null;
    }

    /** Epoch ms of the first history step of {@code type}, 0 if none. */
    private static long historyAt(JsonNode alert, String type) {
        for (JsonNode h : alert.path("history")) {
            if (type.equals(h.path("type").asText())) {
                return java.time.Instant.parse(h.path("at").asText()).toEpochMilli();
            }
        }
        return 0;
    }

    private static JsonNode targetStatus() {
        Http.Reply r = Http.send("GET", health + "/api/v1/status/targets/" + TARGET, ApiKeys.READER, null);
        return r.ok() ? r.json() : null;
    }

    /** The newest published transition of the target to {@code to}, or null. */
    private static JsonNode transition(String to) {
        Http.Reply r = Http.send("GET", health + "/api/v1/transitions?window=15m&target=" + TARGET, ApiKeys.READER,
                null);
        for (JsonNode t : r.json().path("items")) {
            if (to.equals(t.path("to").asText())) {
                return t;
            }
        }
        return null;
    }

    /** What the public status page draws ({@code GET /api/v1/page}, no key). */
    private static JsonNode page() {
        Text.Reply r = Text.get(health + "/api/v1/page");
        try {
            return r.status() == 200 ? JSON.readTree(r.body()) : null;
        } catch (java.io.IOException e) {
            throw new AssertionError("the status page data is not JSON: " + r.body(), e);
        }
    }

    private static JsonNode pageTarget(JsonNode page) {
        for (JsonNode g : page.path("groups")) {
            for (JsonNode t : g.path("targets")) {
                if (TARGET.equals(t.path("name").asText())) {
                    return t;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode pageIncident(JsonNode page, String id) {
        for (JsonNode i : page.path("incidents")) {
            if (id.equals(i.path("id").asText())) {
                return i;
            }
        }
        return null;
    }
}
