package io.vigil.common.stream;

/** Test access to how {@link EventDedup} stores an id. */
public final class EventDedupAccess {

    public static String member(String eventId) {
        return EventDedup.member(eventId);
    }

    private EventDedupAccess() {
    }
}
