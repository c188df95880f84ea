package io.vigil.alert.domain;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An alert rule as stored and as the API takes it.
 *
 * @param source       {@code metrics}, {@code queue}, {@code health} or {@code absence}
 * @param signal       metrics only: {@code live} (rolling 10 s view, every 250 ms) or {@code rollup} (closed 10 s
 *                     buckets, aggregated over {@code windowMs})
 * @param expr         condition, see {@link Expr}
 * @param matchers     label matchers on service/endpoint/method/queue/target/group ({@code name=value}, {@code =~})
 * @param windowMs     rollup signal: rollups aggregated over this window; queue: events counted over it
 * @param forMs        pending time before firing (0 = fire on the first breach)
 * @param keepFiringForMs a cleared condition resolves only after this long (hysteresis)
 * @param labels       extra labels added to every alert of the rule (routing uses them)
 * @param annotations  templates: {@code {{ $labels.endpoint }}}, {@code {{ $value }}}
 * @param origin       {@code api} or {@code config}
 */
@RegisterForReflection
public record Rule(String id, String name, String source, String signal, String expr, List<String> matchers,
        Long windowMs, String severity, Long forMs, Long keepFiringForMs, Map<String, String> labels,
        Map<String, String> annotations, Boolean enabled, String origin) {

    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$");

    /** The rule checked and parsed, with defaults filled in; {@link InvalidField} names the first bad field. */
    public Compiled compile(String defaultSignal) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidField("id", "required: 1-100 letters, digits, '_', '.', '-'");
        }
        if (source == null || !Expr.FIELDS.containsKey(source)) {
            throw new InvalidField("source", "one of metrics, queue, health, absence");
        }
        String sig = signal == null ? (source.equals("metrics") ? defaultSignal : null) : signal;
        if (source.equals("metrics") && !("live".equals(sig) || "rollup".equals(sig))) {
            throw new InvalidField("signal", "live or rollup");
        }
        Expr parsed;
        try {
            parsed = Expr.parse(source, expr);
        } catch (IllegalArgumentException e) {
            throw new InvalidField("expr", e.getMessage());
        }
        List<Matcher> ms = Matcher.parseAll("matchers", matchers);
        Severity sev;
        try {
            sev = severity == null ? Severity.WARNING : Severity.parse(severity);
        } catch (IllegalArgumentException e) {
            throw new InvalidField("severity", "one of info, warning, critical");
        }
        long window = windowMs == null ? 60_000 : windowMs;
        if (window < 1000 || window > 86_400_000L) {
            throw new InvalidField("windowMs", "between 1000 and 86400000");
        }
        long forDuration = nonNegative("forMs", forMs);
        long keep = nonNegative("keepFiringForMs", keepFiringForMs);
        Map<String, String> ann = annotations == null ? Map.of() : annotations;
        ann.forEach((k, v) -> {
            try {
                Template.validate(v == null ? "" : v);
            } catch (IllegalArgumentException e) {
                throw new InvalidField("annotations." + k, e.getMessage());
            }
        });
        Map<String, String> extra = labels == null ? Map.of() : labels;
        extra.keySet().forEach(k -> {
            if (!k.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new InvalidField("labels." + k, "label names are [a-zA-Z_][a-zA-Z0-9_]*");
            }
        });
        Rule normalized = new Rule(id, name == null ? id : name, source, sig, expr, matchers == null ? List.of() : matchers,
                window, sev.label(), forDuration, keep, extra, ann, enabled == null || enabled,
                origin == null ? "api" : origin);
        return new Compiled(normalized, parsed, ms, sev);
    }

    private static long nonNegative(String field, Long value) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > 7L * 86_400_000L) {
            throw new InvalidField(field, "between 0 and 604800000 (7 days)");
        }
        return value;
    }

    public Rule withOrigin(String newOrigin) {
        return new Rule(id, name, source, signal, expr, matchers, windowMs, severity, forMs, keepFiringForMs, labels,
                annotations, enabled, newOrigin);
    }

    public Rule withId(String newId) {
        return new Rule(newId, name, source, signal, expr, matchers, windowMs, severity, forMs, keepFiringForMs, labels,
                annotations, enabled, origin);
    }

    /** A validated rule with its parsed condition and matchers, as the engine evaluates it. */
    public record Compiled(Rule rule, Expr expr, List<Matcher> matchers, Severity severity) {
        public String id() {
            return rule.id();
        }
    }
}
