package io.vigil.queue.api;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonRawValue;

@Schema(description = "A leased job: ack, nack or extend it with its token before leaseDeadline")
public record LeasedJob(String id, String queue, String token, Instant leaseDeadline, int attempts,
        int maxAttempts, int priority, String group, Instant enqueuedAt,
        @JsonRawValue @Schema(implementation = Object.class) String payload) {

    public record Batch(List<LeasedJob> jobs) {
    }
}
