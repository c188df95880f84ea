package io.vigil.alert.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A label matcher as Alertmanager writes it: {@code name=value}, {@code name!=value}, {@code name=~regex},
 * {@code name!~regex}. A regex matches the whole value. A missing label matches as the empty string.
 */
@RegisterForReflection
public record Matcher(String name, String op, String value) {

    private static final Pattern SYNTAX = Pattern.compile("^\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"?(.*?)\"?\\s*$");

    public static Matcher parse(String text) {
        java.util.regex.Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not name=value, name!=value, name=~regex or name!~regex");
        }
        Matcher matcher = new Matcher(m.group(1), m.group(2), m.group(3));
        if (matcher.isRegex()) {
            try {
                Pattern.compile(matcher.value());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regex '" + matcher.value() + "': " + e.getDescription());
            }
        }
        return matcher;
    }

    /** Parses every matcher, naming the offending element ({@code field[i]}) in the error. */
    public static List<Matcher> parseAll(String field, List<String> texts) {
        List<Matcher> out = new ArrayList<>();
        if (texts == null) {
            return out;
        }
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new InvalidField(field + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    public boolean isRegex() {
        return op.equals("=~") || op.equals("!~");
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        return switch (op) {
            case "=" -> actual.equals(value);
            case "!=" -> !actual.equals(value);
            case "=~" -> actual.matches(value);
            default -> !actual.matches(value);
        };
    }

    public static boolean all(List<Matcher> matchers, Map<String, String> labels) {
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + op + value;
    }
}
