package io.vigil.queue.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.vigil.queue.domain.QueueSettings;

/** A queue, its settings and, in listings, its depth per state and rates (the console's queue table, in one call). */
@Schema(description = "A queue and its settings; listings add its depth per state, oldest waiting age and rates")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueView(String name, QueueSettings settings, QueueStats.Depth depth, Long oldestWaitingAgeMs,
        QueueStats.Rates ratesPerSecond) {

    public QueueView(String name, QueueSettings settings) {
        this(name, settings, null, null, null);
    }

    @Schema(description = "Queues in name order; with limit, one page: pass nextCursor as cursor for the next "
            + "(absent on the last page); total counts every queue matching prefix")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listing(List<QueueView> queues, String nextCursor, int total) {
    }
}
