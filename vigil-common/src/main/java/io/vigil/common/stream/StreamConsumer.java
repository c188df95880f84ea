package io.vigil.common.stream;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.MalformedEventException;

/**
 * Event-at-a-time handling on top of a {@link StreamGroupReader}: the at-least-once contract of ARCHITECTURE.md.
 * <ul>
 * <li>An entry is acknowledged only after its handler returned; a failed or crashed handler leaves it pending, and
 * it is handled again once reclaimed (after {@code claim-idle}), by this or any other member.</li>
 * <li>Before its handler runs, an event id is claimed for {@code claim-ttl} ({@link EventDedup}): a copy of the same
 * event delivered to another member meanwhile stays pending instead of being handled twice; a failing handler
 * releases the claim. Handled ids are remembered for {@code dedup-ttl} in time-sliced sets, so a redelivered event is
 * acknowledged, not handled twice.</li>
 * <li>An entry delivered more than {@code max-deliveries} times, or one that is not an envelope, goes to the group's
 * dead-letter stream instead of blocking the group forever.</li>
 * </ul>
 */
final class StreamConsumer implements StreamGroupReader.BatchHandler {

    private final EventHandler handler;
    private final EventDedup dedup;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final int maxDeliveries;

    StreamConsumer(ReactiveRedisDataSource redis, ObjectMapper mapper, MeterRegistry meters, StreamsConfig config,
            String group, EventHandler handler) {
        this.handler = handler;
        this.dedup = new EventDedup(redis, group, config.dedupTtl(), config.dedupSlice(), config.claimTtl());
        this.mapper = mapper;
        this.meters = meters;
        this.maxDeliveries = config.maxDeliveries();
    }

    @Override
    public void handle(StreamGroupReader reader, List<StreamMessage<String, String, String>> batch, boolean reclaimed) {
        for (StreamMessage<String, String, String> message : batch) {
            if (reclaimed && reader.deliveries(message.id()) > maxDeliveries) {
                reader.deadLetter(message, "delivered more than " + maxDeliveries + " times");
                count(reader, "dead_lettered");
                continue;
            }
            if (reclaimed) {
                count(reader, "reclaimed");
            }
            process(reader, message);
        }
    }

    private void process(StreamGroupReader reader, StreamMessage<String, String, String> message) {
        if (message.payload() == null || message.payload().isEmpty()) {
            reader.ack(message.id()); // trimmed from the stream while pending: nothing left to handle
            return;
        }
        EventEnvelope event;
        try {
            event = EventEnvelope.fromFields(message.payload(), mapper);
        } catch (MalformedEventException e) {
            reader.deadLetter(message, e.getMessage());
            count(reader, "dead_lettered");
            return;
        }
        switch (dedup.claim(event.id())) {
            case HANDLED -> {
                reader.ack(message.id());
                count(reader, "duplicate");
                return;
            }
            case BUSY -> {
                // Another member runs a copy right now. Acknowledging ours could lose the event if that member fails,
                // so it stays pending: reclaimed later, it is then a duplicate (or ours to handle).
                count(reader, "busy");
                return;
            }
            case CLAIMED -> {
            }
        }
        try {
            handler.handle(event);
        } catch (Exception e) {
            dedup.release(event.id());
            count(reader, "failed");
            Log.warnf(e, "stream %s group %s: handler failed on %s %s; it stays pending and is retried",
                    reader.stream(), reader.group(), event.type(), event.id());
            return;
        }
        dedup.handled(event.id());
        reader.ack(message.id());
        count(reader, "handled");
    }

    private void count(StreamGroupReader reader, String outcome) {
        counter(meters, reader.stream(), reader.group(), outcome).increment();
    }

    private static final List<String> OUTCOMES = List.of("handled", "duplicate", "busy", "failed", "reclaimed",
            "dead_lettered");

    /**
     * Registers every outcome's counter at zero when a member joins, so the series exist before the first event and
     * {@code rate()}/{@code increase()} in rules and dashboards see the first one too.
     */
    static void registerOutcomes(MeterRegistry meters, String stream, String group) {
        OUTCOMES.forEach(outcome -> counter(meters, stream, group, outcome));
    }

    private static Counter counter(MeterRegistry meters, String stream, String group, String outcome) {
        return Counter.builder("vigil.stream.events")
                .description("Stream entries by consumer group and outcome (handled, duplicate, busy, failed, "
                        + "reclaimed, dead_lettered)")
                .tag("stream", stream).tag("group", group).tag("outcome", outcome)
                .register(meters);
    }
}
