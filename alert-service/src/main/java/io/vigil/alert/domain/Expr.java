package io.vigil.alert.domain;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's condition, {@code <field> <op> <value>}: {@code p95Ms > 500}, {@code errorRate5xx >= 0.05},
 * {@code state == DOWN}, {@code absentMs > 300000}. Which fields exist depends on the rule's source.
 */
public record Expr(String field, String op, double threshold, String stateValue) {

    public static final Map<String, Set<String>> FIELDS = Map.of(
            "metrics", Set.of("p50Ms", "p90Ms", "p95Ms", "p99Ms", "maxMs", "count", "throughput", "errors4xx",
                    "errors5xx", "errorRate4xx", "errorRate5xx", "slowWarn", "slowCritical"),
            "queue", Set.of("dead", "failed", "completed", "backlog", "oldestWaitingMs"),
            "health", Set.of("state", "groupNotUp", "groupDown"),
            "absence", Set.of("absentMs"));

    /** Queue fields read from queue-service's stats by polling (not counted from events). */
    public static final Set<String> QUEUE_DEPTH = Set.of("backlog", "oldestWaitingMs");

    static final Set<String> STATES = Set.of("UNKNOWN", "UP", "DEGRADED", "DOWN");
    private static final Pattern SYNTAX = Pattern.compile("^\\s*([a-zA-Z0-9]+)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*$");

    public static Expr parse(String source, String text) {
        java.util.regex.Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected '<field> <op> <value>' with op one of > >= < <= == !=");
        }
        String field = m.group(1);
        Set<String> fields = FIELDS.get(source);
        if (!fields.contains(field)) {
            throw new IllegalArgumentException("unknown field '" + field + "' for source " + source + "; one of "
                    + new java.util.TreeSet<>(fields));
        }
        String op = m.group(2);
        if (field.equals("state")) {
            String state = m.group(3).toUpperCase(Locale.ROOT);
            if (!STATES.contains(state) || !(op.equals("==") || op.equals("!="))) {
                throw new IllegalArgumentException("state takes == or != and one of " + STATES);
            }
            return new Expr(field, op, 0, state);
        }
        try {
            return new Expr(field, op, Double.parseDouble(m.group(3)), null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + m.group(3) + "' is not a number");
        }
    }

    public boolean test(double value) {
        return switch (op) {
            case ">" -> value > threshold;
            case ">=" -> value >= threshold;
            case "<" -> value < threshold;
            case "<=" -> value <= threshold;
            case "==" -> value == threshold;
            default -> value != threshold;
        };
    }

    public boolean testState(String state) {
        return op.equals("==") == stateValue.equals(state);
    }
}
