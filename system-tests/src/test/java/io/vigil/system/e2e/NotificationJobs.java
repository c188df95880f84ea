package io.vigil.system.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** The jobs of queue-service's {@code notifications} queue (the one alert-service delivers through), by its API. */
public final class NotificationJobs {

    private static final List<String> STATES = List.of("waiting", "delayed", "active", "completed", "dead");

    private final String base;

    public NotificationJobs(String queueServiceBaseUrl) {
        this.base = queueServiceBaseUrl + "/api/v1/queues/notifications";
    }

    /** Every job of the queue in any state (a few pages at most in these tests). */
    public List<JsonNode> all() {
        List<JsonNode> jobs = new ArrayList<>();
        for (String state : STATES) {
            String cursor = null;
            do {
                Http.Reply r = Http.send("GET", base + "/jobs?state=" + state + "&limit=500"
                        + (cursor == null ? "" : "&cursor=" + cursor), ApiKeys.READER, null);
                if (!r.ok()) {
                    break;
                }
                r.json().path("items").forEach(jobs::add);
                cursor = r.json().path("nextCursor").isTextual() ? r.json().path("nextCursor").asText() : null;
            } while (cursor != null);
        }
        return jobs;
    }

    /** The first job whose payload (the notification) matches, or null. */
    public JsonNode find(Predicate<JsonNode> payload) {
        return all().stream().filter(j -> payload.test(j.path("payload"))).findFirst().orElse(null);
    }

    public JsonNode byNotificationId(String id) {
        return find(p -> id.equals(p.path("id").asText()));
    }

    /** {@code GET /stats}: depth per state and lifetime totals. */
    public JsonNode stats() {
        Http.Reply r = Http.send("GET", base + "/stats", ApiKeys.READER, null);
        return r.ok() ? r.json() : null;
    }
}
