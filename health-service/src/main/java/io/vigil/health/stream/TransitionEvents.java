package io.vigil.health.stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.EventPublisher;
import io.vigil.health.domain.Transition;

/** Publishes {@code health.transition} events on {@code vigil:events:health.transition} (schema version 1). */
@ApplicationScoped
public class TransitionEvents {

    public static final String TYPE = "health.transition";
    public static final int VERSION = 1;

    private final EventPublisher publisher;

    public TransitionEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** @param eventId derived from the target and the transition's sequence, so a republished one keeps its id */
    public void publish(String eventId, Transition transition) {
        EventEnvelope event = publisher.envelope(eventId, TYPE, VERSION, transition);
        publisher.publish(Streams.HEALTH_TRANSITION, event);
    }
}
