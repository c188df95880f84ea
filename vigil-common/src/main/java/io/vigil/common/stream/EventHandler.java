package io.vigil.common.stream;

import io.vigil.common.event.EventEnvelope;

/** Handles one event. Throwing leaves the entry pending, so it is delivered again later (at least once). */
@FunctionalInterface
public interface EventHandler {
    void handle(EventEnvelope event) throws Exception;
}
