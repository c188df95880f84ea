package io.vigil.common.event;

/** The stream keys of the suite, in one place (ARCHITECTURE.md, "Services and ports"). */
public final class Streams {
    public static final String METRICS_ROLLUP = "vigil:events:metrics.rollup";
    /** Rolling-window percentiles of every active series, every 250 ms (same payload as metrics.rollup). */
    public static final String METRICS_LIVE = "vigil:events:metrics.live";
    public static final String HEALTH_TRANSITION = "vigil:events:health.transition";
    public static final String ALERT = "vigil:events:alert";
    public static final String QUEUE = "vigil:events:queue";
    public static final String INGEST_SAMPLES = "vigil:ingest:samples";

    /** Where a consumer group parks entries it could not handle after its delivery limit. */
    public static String deadLetter(String stream, String group) {
        return stream + ":dead:" + group;
    }

    private Streams() {
    }
}
