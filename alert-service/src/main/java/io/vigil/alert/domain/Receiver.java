package io.vigil.alert.domain;

import java.net.URI;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Where notifications go. {@code url}, {@code routingKey} and {@code authToken} are secrets: the API returns them
 * redacted ({@link #redacted()}) and they are never logged.
 *
 * @param type       webhook (Vigil JSON), slack (incoming webhook), alertmanager (Alertmanager webhook format),
 *                   pagerduty (Events API v2), email (SMTP, quarkus-mailer), sms (Twilio-compatible API)
 * @param url        endpoint; for pagerduty the Events API URL, for sms the API base URL
 * @param routingKey pagerduty integration key
 * @param to         email addresses or phone numbers
 * @param from       email sender or sending phone number
 * @param accountSid sms account (basic-auth user)
 * @param authToken  sms token (basic-auth password)
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Receiver(String name, String type, String url, String routingKey, List<String> to, String from,
        String accountSid, String authToken, Boolean sendResolved) {

    public static final Set<String> TYPES = Set.of("webhook", "slack", "alertmanager", "pagerduty", "email", "sms");
    static final String HIDDEN = "<secret>";

    public void validate(String field) {
        if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}")) {
            throw new InvalidField(field + ".name", "required: letters, digits, '_', '.', '-'");
        }
        if (type == null || !TYPES.contains(type)) {
            throw new InvalidField(field + ".type", "one of " + new java.util.TreeSet<>(TYPES));
        }
        if (type.equals("email")) {
            if (to == null || to.isEmpty() || to.stream().anyMatch(a -> a == null || !a.contains("@"))) {
                throw new InvalidField(field + ".to", "one or more email addresses");
            }
            return;
        }
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new InvalidField(field + ".url", "an http(s) URL");
        }
        try {
            URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidField(field + ".url", "not a valid URL");
        }
        if (type.equals("pagerduty") && (routingKey == null || routingKey.isBlank())) {
            throw new InvalidField(field + ".routingKey", "required for pagerduty");
        }
        if (type.equals("sms") && (to == null || to.isEmpty() || from == null || accountSid == null
                || authToken == null)) {
            throw new InvalidField(field + ".to", "sms needs to, from, accountSid and authToken");
        }
    }

    /** The receiver as the API shows it: URL reduced to scheme and host, keys and tokens hidden. */
    public Receiver redacted() {
        String shown = null;
        if (url != null) {
            try {
                URI u = URI.create(url);
                shown = u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/" + HIDDEN;
            } catch (IllegalArgumentException e) {
                shown = HIDDEN;
            }
        }
        return new Receiver(name, type, shown, routingKey == null ? null : HIDDEN, to, from, accountSid,
                authToken == null ? null : HIDDEN, sendResolved);
    }

    public boolean sendsResolved() {
        return sendResolved == null || sendResolved;
    }
}
