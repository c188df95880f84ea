package io.vigil.alert.domain;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Annotation templates: {@code {{ $labels.endpoint }}}, {@code {{ $value }}}, {@code {{ $severity }}}. Anything else
 * inside braces is rejected when the rule is saved, so rendering never fails at alert time.
 */
public final class Template {

    private static final Pattern EXPR = Pattern.compile("\\{\\{\\s*(.*?)\\s*}}");
    private static final Pattern LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    public static void validate(String template) {
        java.util.regex.Matcher m = EXPR.matcher(template);
        int end = 0;
        while (m.find()) {
            check(template.substring(end, m.start()));
            String e = m.group(1);
            if (!e.equals("$value") && !e.equals("$severity") && !LABEL.matcher(e).matches()) {
                throw new IllegalArgumentException("unknown template expression '{{ " + e
                        + " }}'; use {{ $value }}, {{ $severity }} or {{ $labels.<name> }}");
            }
            end = m.end();
        }
        check(template.substring(end));
    }

    private static void check(String literal) {
        if (literal.contains("{{") || literal.contains("}}")) {
            throw new IllegalArgumentException("unbalanced '{{' or '}}'");
        }
    }

    public static String render(String template, Map<String, String> labels, double value, String severity) {
        java.util.regex.Matcher m = EXPR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String replacement;
            if (e.equals("$value")) {
                replacement = formatValue(value);
            } else if (e.equals("$severity")) {
                replacement = severity;
            } else {
                java.util.regex.Matcher l = LABEL.matcher(e);
                replacement = l.matches() ? labels.getOrDefault(l.group(1), "") : m.group();
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static String formatValue(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    }

    private Template() {
    }
}
