package io.vigil.health.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One condition in the form Gatus users know: {@code [STATUS] == 200}, {@code [RESPONSE_TIME] < 300},
 * {@code [BODY].status == UP}, {@code [BODY] == pat(*ok*)}, {@code [CONNECTED] == true},
 * {@code [CERTIFICATE_EXPIRATION] > 72h}, {@code [STATUS] == any(200, 204)}. Parsed once when the target is saved
 * ({@link #parse} throws {@link IllegalArgumentException} with the reason), evaluated on every result.
 */
public final class Condition {

    public enum Placeholder { STATUS, RESPONSE_TIME, BODY, CONNECTED, CERTIFICATE_EXPIRATION }

    private static final Pattern FORM = Pattern.compile("^\\s*\\[([A-Z_]+)\\]((?:\\.[A-Za-z0-9_\\-]+|\\[\\d+\\])*)\\s*(==|!=|<=|>=|<|>)\\s*(.+?)\\s*$");
    private static final Pattern DURATION = Pattern.compile("^(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)$");
    private static final Pattern PATH_PART = Pattern.compile("\\.([A-Za-z0-9_\\-]+)|\\[(\\d+)\\]");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final Placeholder placeholder;
    private final List<Object> path;
    private final String op;
    private final Kind kind;
    private final List<String> values;
    private final Pattern glob;

    private enum Kind { VALUE, ANY, PAT }

    private Condition(String text, Placeholder placeholder, List<Object> path, String op, Kind kind,
            List<String> values, Pattern glob) {
        this.text = text;
        this.placeholder = placeholder;
        this.path = path;
        this.op = op;
        this.kind = kind;
        this.values = values;
        this.glob = glob;
    }

    public String text() {
        return text;
    }

    public static Condition parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty condition");
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected '[PLACEHOLDER] <op> <value>', e.g. '[STATUS] == 200'");
        }
        Placeholder placeholder;
        try {
            placeholder = Placeholder.valueOf(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown placeholder [" + m.group(1)
                    + "]; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED] or [CERTIFICATE_EXPIRATION]");
        }
        List<Object> path = new ArrayList<>();
        String pathText = m.group(2);
        if (!pathText.isEmpty()) {
            if (placeholder != Placeholder.BODY) {
                throw new IllegalArgumentException("only [BODY] takes a JSON path");
            }
            Matcher p = PATH_PART.matcher(pathText);
            while (p.find()) {
                path.add(p.group(1) != null ? p.group(1) : (Object) Integer.valueOf(p.group(2)));
            }
        }
        String op = m.group(3);
        String right = m.group(4);
        Kind kind = Kind.VALUE;
        List<String> values;
        Pattern glob = null;
        if (right.startsWith("any(") || right.startsWith("pat(")) {
            if (!right.endsWith(")")) {
                throw new IllegalArgumentException("unclosed '" + right.substring(0, 4) + "'");
            }
            String inner = right.substring(4, right.length() - 1).trim();
            if (!op.equals("==") && !op.equals("!=")) {
                throw new IllegalArgumentException(right.substring(0, 3) + "(...) takes == or !=");
            }
            if (right.startsWith("any(")) {
                kind = Kind.ANY;
                values = new ArrayList<>();
                for (String v : inner.split(",")) {
                    if (v.isBlank()) {
                        throw new IllegalArgumentException("any(...) with an empty value");
                    }
                    values.add(v.trim());
                }
            } else {
                kind = Kind.PAT;
                values = List.of(inner);
                glob = globToRegex(inner);
            }
        } else {
            values = List.of(right);
        }
        Condition c = new Condition(text.trim(), placeholder, List.copyOf(path), op, kind, List.copyOf(values), glob);
        c.checkTypes();
        return c;
    }

    private void checkTypes() {
        boolean ordering = !op.equals("==") && !op.equals("!=");
        switch (placeholder) {
            case STATUS, RESPONSE_TIME -> {
                if (kind != Kind.PAT) {
                    for (String v : values) {
                        if (number(v) == null) {
                            throw new IllegalArgumentException("[" + placeholder + "] compares with a number, not '" + v + "'");
                        }
                    }
                }
            }
            case CONNECTED -> {
                if (ordering || kind != Kind.VALUE || !(values.get(0).equals("true") || values.get(0).equals("false"))) {
                    throw new IllegalArgumentException("[CONNECTED] takes == true or == false");
                }
            }
            case CERTIFICATE_EXPIRATION -> {
                if (kind != Kind.VALUE || millis(values.get(0)) == null) {
                    throw new IllegalArgumentException("[CERTIFICATE_EXPIRATION] compares with a duration such as 72h");
                }
            }
            case BODY -> {
                if (ordering && number(values.get(0)) == null) {
                    throw new IllegalArgumentException("'" + op + "' on [BODY] needs a number");
                }
            }
        }
    }

    /** Null when the condition holds, else a short reason naming the condition and the value seen. */
    public String failure(Observation o) {
        String actual;
        switch (placeholder) {
            case STATUS -> actual = o.status() == null ? null : o.status().toString();
            case RESPONSE_TIME -> actual = Long.toString(o.latencyMs());
            case CONNECTED -> actual = Boolean.toString(o.connected());
            case CERTIFICATE_EXPIRATION -> actual = o.certExpiresInMs() == null ? null : o.certExpiresInMs().toString();
            default -> actual = body(o.body());
        }
        boolean holds = actual != null && holds(actual);
        if (holds) {
            return null;
        }
        String seen = actual == null ? (o.error() != null ? o.error() : "no value")
                : placeholder == Placeholder.CERTIFICATE_EXPIRATION ? (Long.parseLong(actual) / 3_600_000) + "h"
                : actual.length() > 80 ? actual.substring(0, 80) + "…" : actual;
        if (actual != null && o.error() != null) {
            seen += ": " + o.error();
        }
        return text + " (got " + seen + ")";
    }

    private boolean holds(String actual) {
        boolean eq = op.equals("==");
        switch (kind) {
            case ANY -> {
                boolean in = values.stream().anyMatch(v -> equal(actual, v));
                return eq == in;
            }
            case PAT -> {
                boolean match = glob.matcher(actual).matches();
                return eq == match;
            }
            default -> {
                String expected = values.get(0);
                if (op.equals("==") || op.equals("!=")) {
                    return eq == equal(actual, expected);
                }
                Double a = number(actual);
                Double b = placeholder == Placeholder.CERTIFICATE_EXPIRATION ? (Double) (double) millis(expected)
                        : number(expected);
                if (a == null || b == null) {
                    return false;
                }
                return switch (op) {
                    case "<" -> a < b;
                    case "<=" -> a <= b;
                    case ">" -> a > b;
                    default -> a >= b;
                };
            }
        }
    }

    private static boolean equal(String actual, String expected) {
        Double a = number(actual);
        Double b = number(expected);
        if (a != null && b != null) {
            return a.doubleValue() == b.doubleValue();
        }
        return actual.equals(expected);
    }

    private String body(String body) {
        if (body == null) {
            return null;
        }
        if (path.isEmpty()) {
            return body;
        }
        try {
            JsonNode node = JSON.readTree(body);
            for (Object part : path) {
                if (node == null) {
                    return null;
                }
                node = part instanceof Integer i ? node.get(i) : node.get((String) part);
            }
            if (node == null || node.isMissingNode()) {
                return null;
            }
            return node.isValueNode() ? node.asText() : node.toString();
        } catch (Exception notJson) {
            return null;
        }
    }

    private static Double number(String s) {
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code 72h}, {@code 30m}, {@code 10s}, {@code 500ms}, {@code 7d} or plain milliseconds. */
    static Long millis(String s) {
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            return (long) (n * unit);
        }
        Double n = number(s);
        return n == null ? null : n.longValue();
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    public boolean needsBody() {
        return placeholder == Placeholder.BODY;
    }

    @Override
    public String toString() {
        return text;
    }
}
