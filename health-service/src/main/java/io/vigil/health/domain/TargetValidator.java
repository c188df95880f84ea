package io.vigil.health.domain;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.vigil.common.problem.ProblemException;
import io.vigil.health.config.HealthConfig;

/** Turns a {@link TargetSpec} into a {@link Target}, or a 400 naming the first bad field. */
public final class TargetValidator {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern METHOD = Pattern.compile("GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS");

    private final HealthConfig.Defaults defaults;

    public TargetValidator(HealthConfig.Defaults defaults) {
        this.defaults = defaults;
    }

    /**
     * @param resolveHost look the host name up now (API saves): an unknown host is a 400 then; once saved, a host
     *                    that stops resolving is a DOWN result instead
     */
    public Target validate(TargetSpec in, String source, boolean resolveHost) {
        if (in.name() == null || !NAME.matcher(in.name()).matches()) {
            throw ProblemException.invalid("name", "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (in.type() == null) {
            throw ProblemException.invalid("type", "required: http, redis, mongodb, tcp, tls or service");
        }
        TargetType type = TargetType.parse(in.type());
        if (type == null) {
            throw ProblemException.invalid("type", "unknown type '" + in.type() + "': use http, redis, mongodb, tcp, tls or service");
        }
        if (in.url() == null || in.url().isBlank()) {
            throw ProblemException.invalid("url", "required");
        }
        URI uri;
        try {
            uri = new URI(in.url().trim());
        } catch (Exception e) {
            throw ProblemException.invalid("url", "not a URL: " + in.url());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        List<String> schemes = switch (type) {
            case HTTP, SERVICE -> List.of("http", "https");
            case REDIS -> List.of("redis", "rediss");
            case MONGODB -> List.of("mongodb", "mongodb+srv");
            case TCP -> List.of("tcp");
            case TLS -> List.of("tls", "https");
        };
        if (!schemes.contains(scheme)) {
            throw ProblemException.invalid("url", "a " + type.label() + " target needs a " + String.join(" or ", schemes) + " URL");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw ProblemException.invalid("url", "no host in " + in.url());
        }
        int port = uri.getPort();
        if (port < 0) {
            port = switch (scheme) {
                case "http" -> 80;
                case "https", "tls" -> 443;
                case "redis", "rediss" -> 6379;
                case "mongodb", "mongodb+srv" -> 27017;
                default -> -1;
            };
        }
        if (port <= 0) {
            throw ProblemException.invalid("url", "a port is required, e.g. tcp://db.internal:5432");
        }
        if (resolveHost) {
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw ProblemException.invalid("url", "host '" + host + "' does not resolve");
            }
        }
        String method = in.method() == null ? "GET" : in.method().toUpperCase();
        if (!METHOD.matcher(method).matches()) {
            throw ProblemException.invalid("method", "unknown HTTP method '" + in.method() + "'");
        }
        long minInterval = defaults.minInterval().toMillis();
        long interval = in.intervalMs() == null ? defaults.interval().toMillis() : in.intervalMs();
        if (interval < minInterval) {
            throw ProblemException.invalid("intervalMs", "at least " + minInterval + " ms");
        }
        long timeout = in.timeoutMs() == null ? Math.min(defaults.timeout().toMillis(), interval) : in.timeoutMs();
        if (timeout < 1 || timeout > interval) {
            throw ProblemException.invalid("timeoutMs", "between 1 ms and the interval (" + interval + " ms)");
        }
        int failures = in.failureThreshold() == null ? defaults.failureThreshold() : in.failureThreshold();
        if (failures < 1 || failures > 100) {
            throw ProblemException.invalid("failureThreshold", "between 1 and 100");
        }
        int successes = in.successThreshold() == null ? defaults.successThreshold() : in.successThreshold();
        if (successes < 1 || successes > 100) {
            throw ProblemException.invalid("successThreshold", "between 1 and 100");
        }
        Integer expected = in.expectedStatus() == null ? Integer.valueOf(200) : in.expectedStatus();
        if (expected < 100 || expected > 599) {
            throw ProblemException.invalid("expectedStatus", "an HTTP status between 100 and 599");
        }
        List<String> conditionTexts = in.conditions() == null || in.conditions().isEmpty()
                ? (type == TargetType.HTTP ? List.of("[STATUS] == " + expected) : type.defaultConditions())
                : in.conditions();
        List<Condition> conditions = parse(conditionTexts, "conditions");
        List<String> softTexts = in.softConditions() == null ? List.of() : in.softConditions();
        List<Condition> soft = parse(softTexts, "softConditions");
        List<String> dependsOn = in.dependsOn() == null ? List.of() : List.copyOf(in.dependsOn());
        for (int i = 0; i < dependsOn.size(); i++) {
            if (dependsOn.get(i) == null || dependsOn.get(i).equals(in.name())) {
                throw ProblemException.invalid("dependsOn[" + i + "]", "a target cannot depend on itself");
            }
        }
        String group = in.group() == null || in.group().isBlank() ? defaults.group() : in.group();
        TargetSpec spec = new TargetSpec(in.name(), type.label(), in.url().trim(), group, method,
                in.headers() == null ? Map.of() : new LinkedHashMap<>(in.headers()), in.body(), expected,
                in.followRedirects() != null && in.followRedirects(), interval, timeout, failures, successes,
                conditionTexts, softTexts, dependsOn, in.labels() == null ? Map.of() : new LinkedHashMap<>(in.labels()));
        return new Target(spec, type, host, port, conditions, soft, source);
    }

    private static List<Condition> parse(List<String> texts, String field) {
        List<Condition> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(Condition.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid(field + "[" + i + "]",
                        "'" + texts.get(i) + "': " + e.getMessage());
            }
        }
        return out;
    }
}
