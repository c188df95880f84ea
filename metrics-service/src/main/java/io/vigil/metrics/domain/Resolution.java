package io.vigil.metrics.domain;

import java.util.List;

/** The time-bucket sizes: raw 10 s buckets, rolled up to 1 min and 1 h (each kept in Redis while open). */
public enum Resolution {
    RAW(10, "10s", "rollups_10s"),
    MINUTE(60, "1m", "rollups_1m"),
    HOUR(3600, "1h", "rollups_1h");

    public static final List<Resolution> ALL = List.of(values());

    private final long seconds;
    private final String label;
    private final String collection;

    Resolution(long seconds, String label, String collection) {
        this.seconds = seconds;
        this.label = label;
        this.collection = collection;
    }

    public long seconds() {
        return seconds;
    }

    public String label() {
        return label;
    }

    public String collection() {
        return collection;
    }

    /** Start (epoch seconds) of the bucket holding {@code epochMillis}. */
    public long bucketStart(long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        return s - Math.floorMod(s, seconds);
    }
}
