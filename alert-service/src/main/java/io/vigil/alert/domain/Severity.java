package io.vigil.alert.domain;

import java.util.Locale;

/** How urgent an alert is; a firing critical inhibits matching warnings (the default inhibit rule). */
public enum Severity {
    INFO, WARNING, CRITICAL;

    public static Severity parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
