package io.vigil.queue.api;

import java.time.Instant;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Heartbeat: moves the lease deadline to now + extendMs")
public record ExtendRequest(@NotBlank String token,
        @Min(100) @Max(86_400_000) @Schema(description = "Default: the job's timeout or the queue's visibilityMs")
        Long extendMs) {

    @Schema(description = "cancelRequested: the job was cancelled; its ack will be refused")
    public record Response(String id, Instant leaseDeadline, boolean cancelRequested) {
    }
}
