package io.vigil.common.stream;

import java.util.Set;

/**
 * The fields a dead-letter entry carries besides the original entry's own ({@code Streams.deadLetter}). Replaying an
 * entry appends the original fields only.
 */
public final class DeadLetterFields {
    /** Why the entry was parked. */
    public static final String REASON = "deadLetterReason";
    /** The entry's id in its source stream. */
    public static final String ORIGINAL_ID = "originalId";
    /** Deliveries XPENDING counted when it was parked (all of them, outages included). */
    public static final String DELIVERIES = "deadLetterDeliveries";
    /** Handler failures that were the entry's own (poison). */
    public static final String POISON_FAILURES = "deadLetterPoisonFailures";
    /** Deliveries that ended in a dependency outage or found the event busy elsewhere (not counted toward the limit). */
    public static final String EXCUSED_DELIVERIES = "deadLetterExcusedDeliveries";
    /**
     * "true" on a copy kept for inspection of an entry that was still handled (its valid part): replaying it would
     * handle that part twice, so replay skips it.
     */
    public static final String INSPECTION_COPY = "deadLetterInspectionCopy";

    public static final Set<String> ALL = Set.of(REASON, ORIGINAL_ID, DELIVERIES, POISON_FAILURES, EXCUSED_DELIVERIES,
            INSPECTION_COPY);

    private DeadLetterFields() {
    }
}
