package io.vigil.queue.api;

import java.time.Instant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Fails the current attempt: retried after backoff, dead-lettered after maxAttempts")
public record NackRequest(@NotBlank String token, @Size(max = 4000) String error,
        @Schema(description = "Dead-letter now, without retry") Boolean deadLetter) {

    @Schema(description = "Where the job went: waiting, delayed (until retryAt) or dead")
    public record Response(String id, String state, Instant retryAt) {
    }
}
