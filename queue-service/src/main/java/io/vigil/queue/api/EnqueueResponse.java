package io.vigil.queue.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "An enqueued job; duplicate = the idempotency key matched an existing job, nothing was enqueued")
public record EnqueueResponse(String id, String queue, String state, boolean duplicate) {

    public record Batch(List<EnqueueResponse> jobs) {
    }
}
