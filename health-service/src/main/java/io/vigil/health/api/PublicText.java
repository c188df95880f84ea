package io.vigil.health.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the public status page may say about a failure. A reason as stored ({@code [STATUS] == 200 (got 503)},
 * {@code [BODY].status == UP (got {"db":"orders-db.internal"...})}, an error naming a host) can carry response-body
 * excerpts and internal host names; the page (unless {@code vigil.health.page.show-details}) keeps the condition and
 * only values that cannot: numbers, booleans, hours left on a certificate, and the kind of error.
 */
final class PublicText {

    static final String HIDDEN = "<hidden>";

    private static final Pattern CONDITION = Pattern.compile("^(.*?)(\\[[A-Z_]+\\].*) \\(got (.*)\\)$");
    private static final Pattern SAFE_VALUE = Pattern.compile("^(-?[0-9]+h?|true|false|no value)$");
    private static final Pattern TIMED_OUT = Pattern.compile("^timed out after [0-9]+ ms$");

    /** The reason with what could leak hidden; null stays null. */
    static String reason(String reason) {
        if (reason == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String part : reason.split("; ")) {
            Matcher m = CONDITION.matcher(part);
            if (!m.matches()) {
                out.add(error(part));
                continue;
            }
            String prefix = m.group(1).endsWith(": ") ? error(m.group(1).substring(0, m.group(1).length() - 2)) + ": "
                    : m.group(1).isEmpty() ? "" : HIDDEN + ": ";
            out.add(prefix + m.group(2) + " (got " + value(m.group(3)) + ")");
        }
        return String.join("; ", out);
    }

    /** A value seen by a condition, possibly followed by the error of the check ("false: timed out after 5 ms"). */
    private static String value(String seen) {
        int colon = seen.indexOf(": ");
        String v = colon < 0 ? seen : seen.substring(0, colon);
        String shown = SAFE_VALUE.matcher(v).matches() ? v : error(v);
        return colon < 0 ? shown : shown + ": " + error(seen.substring(colon + 2));
    }

    /** The kind of an error: what the prober says in its own words is kept, anything else (a host, a body) is not. */
    private static String error(String e) {
        if (e.equals("connection refused") || TIMED_OUT.matcher(e).matches() || e.startsWith("circuit open")) {
            return e;
        }
        if (e.startsWith("unknown host")) {
            return "unknown host";
        }
        return HIDDEN;
    }

    private PublicText() {
    }
}
