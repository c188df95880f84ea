package io.vigil.queue.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vigil.queue.domain.QueueSettings;

@Schema(description = "A queue and its settings")
public record QueueView(String name, QueueSettings settings) {

    public record Listing(List<QueueView> queues) {
    }
}
