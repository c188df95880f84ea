package io.vigil.alert.api;

import java.time.Instant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Acknowledge: who, why, and optionally until when (after which the alert escalates again). */
public record AckRequest(@NotBlank @Size(max = 200) String by, @Size(max = 2000) String comment, Instant until,
        Long durationMs) {
}
