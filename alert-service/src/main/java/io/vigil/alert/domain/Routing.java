package io.vigil.alert.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The notification configuration, stored as one document: receivers, the route tree, inhibit rules and escalation
 * policies. Routes are a tree; a route may also {@code include} a named route ({@code name}), and an include cycle is
 * rejected as a route loop.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Routing(List<Receiver> receivers, Route route, List<InhibitRule> inhibitRules,
        List<EscalationPolicy> escalationPolicies, String origin) {

    public static final long DEFAULT_GROUP_WAIT = 0, DEFAULT_GROUP_INTERVAL = 60_000, DEFAULT_REPEAT = 4 * 3_600_000L;

    public static Routing empty() {
        return new Routing(List.of(), null, null, List.of(), "default");
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Route(String name, String receiver, List<String> matchers, List<String> groupBy, Long groupWaitMs,
            Long groupIntervalMs, Long repeatIntervalMs, @JsonProperty("continue") Boolean cont,
            String escalationPolicy, String include, List<Route> routes) {
    }

    @RegisterForReflection
    public record InhibitRule(List<String> sourceMatchers, List<String> targetMatchers, List<String> equal) {
    }

    @RegisterForReflection
    public record EscalationPolicy(String name, List<Level> levels) {
        @RegisterForReflection
        public record Level(long delayMs, List<String> receivers) {
        }
    }

    /** A firing critical mutes warnings with the same service, endpoint, queue and target. */
    public static final InhibitRule DEFAULT_INHIBIT = new InhibitRule(List.of("severity=critical"),
            List.of("severity=warning"), List.of("alertname", "service", "endpoint", "method", "queue", "target"));

    @JsonIgnore
    public List<InhibitRule> effectiveInhibitRules() {
        return inhibitRules == null ? List.of(DEFAULT_INHIBIT) : inhibitRules;
    }

    public Receiver receiver(String name) {
        for (Receiver r : receivers == null ? List.<Receiver>of() : receivers) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    public EscalationPolicy policy(String name) {
        for (EscalationPolicy p : escalationPolicies == null ? List.<EscalationPolicy>of() : escalationPolicies) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Checks every reference; {@link InvalidField} names the field (e.g. {@code route.routes[1].receiver}). */
    public void validate() {
        Set<String> names = new HashSet<>();
        List<Receiver> rs = receivers == null ? List.of() : receivers;
        for (int i = 0; i < rs.size(); i++) {
            rs.get(i).validate("receivers[" + i + "]");
            if (!names.add(rs.get(i).name())) {
                throw new InvalidField("receivers[" + i + "].name", "duplicate receiver '" + rs.get(i).name() + "'");
            }
        }
        List<EscalationPolicy> ps = escalationPolicies == null ? List.of() : escalationPolicies;
        for (int i = 0; i < ps.size(); i++) {
            EscalationPolicy p = ps.get(i);
            String f = "escalationPolicies[" + i + "]";
            if (p.name() == null || p.name().isBlank()) {
                throw new InvalidField(f + ".name", "required");
            }
            if (p.levels() == null || p.levels().isEmpty()) {
                throw new InvalidField(f + ".levels", "at least one level");
            }
            long previous = -1;
            for (int l = 0; l < p.levels().size(); l++) {
                EscalationPolicy.Level level = p.levels().get(l);
                if (level.delayMs() <= previous) {
                    throw new InvalidField(f + ".levels[" + l + "].delayMs", "must be greater than the previous level's");
                }
                previous = level.delayMs();
                List<String> lr = level.receivers() == null ? List.of() : level.receivers();
                if (lr.isEmpty()) {
                    throw new InvalidField(f + ".levels[" + l + "].receivers", "at least one receiver");
                }
                for (int r = 0; r < lr.size(); r++) {
                    if (!names.contains(lr.get(r))) {
                        throw new InvalidField(f + ".levels[" + l + "].receivers[" + r + "]",
                                "unknown receiver '" + lr.get(r) + "'");
                    }
                }
            }
        }
        List<InhibitRule> is = inhibitRules == null ? List.of() : inhibitRules;
        for (int i = 0; i < is.size(); i++) {
            Matcher.parseAll("inhibitRules[" + i + "].sourceMatchers", is.get(i).sourceMatchers());
            Matcher.parseAll("inhibitRules[" + i + "].targetMatchers", is.get(i).targetMatchers());
        }
        if (route != null) {
            Map<String, Route> named = new HashMap<>();
            collectNames(route, named);
            checkRoute(route, "route", names, named, new ArrayList<>());
        }
    }

    private static void collectNames(Route r, Map<String, Route> named) {
        if (r.name() != null) {
            named.put(r.name(), r);
        }
        for (Route child : r.routes() == null ? List.<Route>of() : r.routes()) {
            collectNames(child, named);
        }
    }

    private void checkRoute(Route r, String field, Set<String> receiverNames, Map<String, Route> named,
            List<String> includePath) {
        if (r.receiver() != null && !receiverNames.contains(r.receiver())) {
            throw new InvalidField(field + ".receiver", "unknown receiver '" + r.receiver() + "'");
        }
        if (r.escalationPolicy() != null && policy(r.escalationPolicy()) == null) {
            throw new InvalidField(field + ".escalationPolicy", "unknown escalation policy '" + r.escalationPolicy() + "'");
        }
        Matcher.parseAll(field + ".matchers", r.matchers());
        for (String ms : new String[] {"groupWaitMs", "groupIntervalMs", "repeatIntervalMs"}) {
            Long v = switch (ms) {
                case "groupWaitMs" -> r.groupWaitMs();
                case "groupIntervalMs" -> r.groupIntervalMs();
                default -> r.repeatIntervalMs();
            };
            if (v != null && (v < 0 || v > 7L * 86_400_000L)) {
                throw new InvalidField(field + "." + ms, "between 0 and 604800000");
            }
        }
        if (r.include() != null) {
            Route target = named.get(r.include());
            if (target == null) {
                throw new InvalidField(field + ".include", "unknown route '" + r.include() + "'");
            }
            if (includePath.contains(r.include()) || r.include().equals(r.name())) {
                throw new InvalidField(field + ".include", "route loop: " + String.join(" -> ", includePath) + " -> "
                        + r.include());
            }
            List<String> path = new ArrayList<>(includePath);
            path.add(r.include());
            checkRoute(target, field + ".include(" + r.include() + ")", receiverNames, named, path);
        }
        List<Route> children = r.routes() == null ? List.of() : r.routes();
        for (int i = 0; i < children.size(); i++) {
            List<String> path = new ArrayList<>(includePath);
            if (r.name() != null) {
                path.add(r.name());
            }
            checkRoute(children.get(i), field + ".routes[" + i + "]", receiverNames, named, path);
        }
    }

    /** The receivers' secrets hidden. */
    public Routing redacted() {
        return new Routing(receivers == null ? List.of() : receivers.stream().map(Receiver::redacted).toList(), route,
                inhibitRules, escalationPolicies, origin);
    }
}
