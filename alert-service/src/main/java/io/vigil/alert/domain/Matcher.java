package io.vigil.alert.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A label matcher as Alertmanager writes it: {@code name=value}, {@code name!=value}, {@code name=~regex},
 * {@code name!~regex}. A regex matches the whole value (Alertmanager's {@code ^(?:re)$}). A missing label matches as
 * the empty string.
 * <p>
 * Regexes come from users (rules, silences, routes, inhibit rules, API filters) and run inside the lifecycle lock and
 * on the leader's timer, so they are RE2/J patterns: matching is linear in the input, whatever the pattern. What RE2
 * cannot express (backreferences, lookaround) is rejected, and so is a pattern longer than
 * {@link #maxPatternLength()}.
 */
@RegisterForReflection
public record Matcher(String name, String op, String value) {

    private static final Pattern SYNTAX = Pattern.compile("^\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"?(.*?)\"?\\s*$");
    /** Compiled patterns by source, and parsed matcher texts: both read on every evaluation, so cached. */
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Map<String, Matcher> PARSED = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 10_000;
    public static final int DEFAULT_MAX_PATTERN_LENGTH = 1024;
    private static volatile int maxPatternLength = DEFAULT_MAX_PATTERN_LENGTH;

    /** Set from {@code vigil.alert.max-regex-length} at start-up. */
    public static void maxPatternLength(int max) {
        maxPatternLength = max;
    }

    public static int maxPatternLength() {
        return maxPatternLength;
    }

    public static Matcher parse(String text) {
        com.google.re2j.Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not name=value, name!=value, name=~regex or name!~regex");
        }
        Matcher matcher = new Matcher(m.group(1), m.group(2), m.group(3));
        if (matcher.isRegex()) {
            pattern(matcher.value());
        }
        return matcher;
    }

    /** The anchored RE2/J pattern of {@code regex}; IllegalArgumentException when too long or not RE2 syntax. */
    static Pattern pattern(String regex) {
        Pattern p = PATTERNS.get(regex);
        if (p != null) {
            return p;
        }
        if (regex.length() > maxPatternLength) {
            throw new IllegalArgumentException("regex longer than " + maxPatternLength + " characters");
        }
        try {
            p = Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex '" + regex + "' (RE2 syntax: no backreferences or "
                    + "lookaround): " + e.getDescription());
        }
        if (PATTERNS.size() >= CACHE_LIMIT) {
            PATTERNS.clear();
        }
        PATTERNS.put(regex, p);
        return p;
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

    /**
     * Whether every stored matcher text matches {@code labels}. Texts were validated when stored; one that no longer
     * parses (stored before RE2/J, or before a lower length bound) matches nothing, so it can neither mute nor route.
     */
    public static boolean allTexts(List<String> texts, Map<String, String> labels) {
        if (texts == null) {
            return true;
        }
        for (String text : texts) {
            Matcher m = PARSED.get(text);
            if (m == null) {
                try {
                    m = parse(text);
                } catch (IllegalArgumentException e) {
                    Log.debugf("stored matcher '%s' ignored: %s", text, e.getMessage());
                    return false;
                }
                if (PARSED.size() >= CACHE_LIMIT) {
                    PARSED.clear();
                }
                PARSED.put(text, m);
            }
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean isRegex() {
        return op.equals("=~") || op.equals("!~");
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        return switch (op) {
            case "=" -> actual.equals(value);
            case "!=" -> !actual.equals(value);
            case "=~" -> pattern(value).matcher(actual).matches();
            default -> !pattern(value).matcher(actual).matches();
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
