package io.vigil.alert.domain;

import java.util.Locale;

/** pending (condition true, waiting for {@code for}) → firing → resolved. */
public enum AlertState {
    PENDING, FIRING, RESOLVED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
