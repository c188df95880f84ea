package io.vigil.queue.domain;

/** How long a failed job waits before its next attempt. */
public enum Backoff {
    FIXED, EXPONENTIAL;

    public String wire() {
        return name().toLowerCase();
    }

    public static Backoff parse(String value) {
        return valueOf(value.trim().toUpperCase());
    }
}
