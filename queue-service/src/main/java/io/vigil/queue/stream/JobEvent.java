package io.vigil.queue.stream;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Payload of {@code queue.job.completed|failed|dead} on {@code vigil:events:queue} (version 1). */
@Schema(description = "Queue lifecycle event payload")
public record JobEvent(String queue, String jobId, int attempts, long waitMs, long runMs, String error) {
    public static final int VERSION = 1;
}
