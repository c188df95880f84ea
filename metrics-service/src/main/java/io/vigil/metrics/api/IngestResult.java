package io.vigil.metrics.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.common.problem.Problem.FieldError;

/** Answer to a sample batch: 202 when all were accepted, 207 when some were rejected (listed here). */
@Schema(description = "How many samples were accepted (they are stored) and which were rejected, and why")
public record IngestResult(int accepted, List<Rejected> rejected) {

    @Schema(description = "A rejected sample: its index in the batch and the offending fields")
    public record Rejected(int index, List<FieldError> errors) {
    }
}
