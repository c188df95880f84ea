package io.vigil.metrics.domain;

/** HTTP status classes as series labels: {@code 1xx} … {@code 5xx}. */
public final class StatusClass {

    private static final String[] CLASSES = { "0xx", "1xx", "2xx", "3xx", "4xx", "5xx" };

    /** Shared constants, so the per-sample path allocates no string (status is validated to 100..599). */
    public static String of(int status) {
        int c = status / 100;
        return c >= 0 && c < CLASSES.length ? CLASSES[c] : c + "xx";
    }

    private StatusClass() {
    }
}
