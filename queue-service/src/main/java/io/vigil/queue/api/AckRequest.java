package io.vigil.queue.api;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

@Schema(description = "Completes a leased job")
public record AckRequest(@NotBlank @Schema(description = "The lease token") String token,
        @Schema(description = "Optional JSON result, kept with the job") JsonNode result) {

    @Schema(description = "One ack of a batch")
    public record Item(@NotBlank String id, @NotBlank String token, JsonNode result) {
    }

    @Schema(description = "Acks of several leased jobs")
    public record Batch(@NotEmpty List<@Valid Item> acks) {
    }

    @Schema(description = "Per ack: ok, notfound, stale (not the current lease) or cancelled (refused)")
    public record Result(String id, String status) {
    }

    public record Results(List<Result> results) {
    }
}
