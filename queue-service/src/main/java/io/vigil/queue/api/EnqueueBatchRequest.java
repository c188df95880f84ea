package io.vigil.queue.api;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Jobs enqueued in one atomic step (at most vigil.queue.max-batch)")
public record EnqueueBatchRequest(@NotEmpty List<@Valid EnqueueRequest> jobs) {
}
