package io.vigil.alert.notify;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.Notification;
import io.vigil.alert.domain.Receiver;

/**
 * Sends one notification to its receiver, in the receiver's format, with a timeout. Errors name the receiver and
 * the status, never the URL or a token (they end up in queue-service's lastError and in logs).
 */
@ApplicationScoped
public class Senders {

    /** A failure to retry (or dead-letter after the last attempt); the message is safe to store and log. */
    public static class SendFailed extends RuntimeException {
        public SendFailed(String message) {
            super(message);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper mapper;
    private final Dispatcher dispatcher;
    private final Mailer mailer;
    private final Duration timeout;

    public Senders(ObjectMapper mapper, Dispatcher dispatcher, Mailer mailer, AlertConfig config) {
        this.mapper = mapper;
        this.dispatcher = dispatcher;
        this.mailer = mailer;
        this.timeout = config.delivery().sendTimeout();
    }

    public void send(Notification n) {
        Receiver r = dispatcher.routing().receiver(n.receiver());
        if (r == null) {
            throw new SendFailed("unknown receiver '" + n.receiver() + "'");
        }
        switch (r.type()) {
            case "webhook" -> post(r, r.url(), json(n), "application/json", null);
            case "slack" -> post(r, r.url(), json(slack(n)), "application/json", null);
            case "alertmanager" -> post(r, r.url(), json(alertmanager(n)), "application/json", null);
            case "pagerduty" -> {
                for (Notification.Item item : n.alerts()) {
                    post(r, r.url(), json(pagerDuty(r, n, item)), "application/json", null);
                }
            }
            case "email" -> email(r, n);
            case "sms" -> sms(r, n);
            default -> throw new SendFailed("receiver '" + r.name() + "' has unknown type " + r.type());
        }
    }

    static Map<String, Object> slack(Notification n) {
        StringBuilder text = new StringBuilder(slackEscape(n.title()));
        for (Notification.Item i : n.alerts()) {
            text.append("\n• ").append(i.status()).append(' ')
                    .append(slackEscape(i.labels().getOrDefault("alertname", i.rule()))).append(' ')
                    .append(slackEscape(i.annotations().getOrDefault("summary", i.labels().toString())));
        }
        return Map.of("text", text.toString(), "attachments", List.of(Map.of("color",
                n.status().equals("firing") ? "danger" : "good", "title", slackEscape(n.title()))));
    }

    /**
     * Slack's escaping of message text: {@code &}, {@code <}, {@code >} as entities, so label values and annotations
     * (user and metrics data) cannot write control sequences such as {@code <!channel>} or {@code <@U123>} that ping
     * people, or links.
     */
    static String slackEscape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The Alertmanager webhook payload (version 4), so receivers written for Alertmanager work unchanged. */
    static Map<String, Object> alertmanager(Notification n) {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Notification.Item i : n.alerts()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("status", i.status());
            a.put("labels", i.labels());
            a.put("annotations", i.annotations());
            a.put("startsAt", i.startsAt());
            a.put("endsAt", i.endsAt() == null ? "0001-01-01T00:00:00Z" : i.endsAt());
            a.put("generatorURL", "");
            a.put("fingerprint", i.fingerprint());
            alerts.add(a);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", "4");
        body.put("groupKey", n.groupKey());
        body.put("truncatedAlerts", 0);
        body.put("status", n.status());
        body.put("receiver", n.receiver());
        body.put("groupLabels", n.groupLabels());
        body.put("commonLabels", common(n.alerts().stream().map(Notification.Item::labels).toList()));
        body.put("commonAnnotations", common(n.alerts().stream().map(Notification.Item::annotations).toList()));
        body.put("externalURL", "");
        body.put("alerts", alerts);
        return body;
    }

    private static Map<String, String> common(List<Map<String, String>> maps) {
        Map<String, String> out = maps.isEmpty() ? new LinkedHashMap<>() : new LinkedHashMap<>(maps.get(0));
        for (Map<String, String> m : maps) {
            out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        }
        return out;
    }

    /** PagerDuty Events API v2: one event per alert, deduplicated on the fingerprint. */
    static Map<String, Object> pagerDuty(Receiver r, Notification n, Notification.Item i) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routing_key", r.routingKey());
        body.put("event_action", i.status().equals("resolved") ? "resolve" : "trigger");
        body.put("dedup_key", i.fingerprint());
        if (!i.status().equals("resolved")) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("summary", i.annotations().getOrDefault("summary", i.labels().getOrDefault("alertname", i.rule())));
            payload.put("source", i.labels().getOrDefault("service", i.labels().getOrDefault("target", "vigil")));
            payload.put("severity", switch (i.severity()) {
                case "critical" -> "critical";
                case "warning" -> "warning";
                default -> "info";
            });
            payload.put("timestamp", i.startsAt());
            payload.put("custom_details", Map.of("labels", i.labels(), "value", i.value(), "kind", n.kind()));
            body.put("payload", payload);
        }
        return body;
    }

    private void email(Receiver r, Notification n) {
        StringBuilder body = new StringBuilder();
        for (Notification.Item i : n.alerts()) {
            body.append(i.status().toUpperCase(java.util.Locale.ROOT)).append("  ").append(i.labels()).append('\n');
            i.annotations().forEach((k, v) -> body.append("  ").append(k).append(": ").append(v).append('\n'));
            body.append("  value: ").append(i.value()).append("  since: ").append(i.startsAt()).append("\n\n");
        }
        Mail mail = Mail.withText(r.to().get(0), n.title(), body.toString());
        mail.setTo(r.to());
        if (r.from() != null) {
            mail.setFrom(r.from());
        }
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            throw new SendFailed("email to receiver '" + r.name() + "' failed: " + e.getClass().getSimpleName());
        }
    }

    /** Twilio-compatible: POST {url}/2010-04-01/Accounts/{sid}/Messages.json, form To/From/Body, basic auth. */
    private void sms(Receiver r, Notification n) {
        String text = n.title();
        if (!n.alerts().isEmpty()) {
            text += " " + n.alerts().get(0).annotations().getOrDefault("summary", "");
        }
        text = text.length() > 320 ? text.substring(0, 320) : text;
        String auth = "Basic " + Base64.getEncoder().encodeToString((r.accountSid() + ":" + r.authToken())
                .getBytes(StandardCharsets.UTF_8));
        for (String to : r.to()) {
            String form = "To=" + enc(to) + "&From=" + enc(r.from()) + "&Body=" + enc(text);
            post(r, r.url().replaceAll("/$", "") + "/2010-04-01/Accounts/" + enc(r.accountSid()) + "/Messages.json",
                    form, "application/x-www-form-urlencoded", auth);
        }
    }

    private void post(Receiver r, String url, String body, String contentType, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<Void> resp = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (resp.statusCode() >= 300) {
                throw new SendFailed("receiver '" + r.name() + "' answered " + resp.statusCode());
            }
        } catch (IOException e) {
            throw new SendFailed("receiver '" + r.name() + "' unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailed("interrupted");
        }
    }

    private String json(Object o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
