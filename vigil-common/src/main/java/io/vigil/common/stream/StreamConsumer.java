package io.vigil.common.stream;

import java.util.List;
import java.util.Map;

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
 * <li>A handler failure that is an outage ({@link FailureClassifier}: a dependency unreachable or timing out) is not
 * the event's fault: the member retries the same event in place, pausing {@code outage-backoff-min} doubling up to
 * {@code outage-backoff-max}, reads nothing new meanwhile (the events wait in the stream, in order) and carries on as
 * soon as a retry succeeds. Such a delivery does not count toward {@code max-deliveries}.</li>
 * <li>An entry delivered more than {@code max-deliveries} times, not counting deliveries excused by an outage or by a
 * copy busy at another member ({@link DeliveryFailures}), or one that is not an envelope, goes to the group's
 * dead-letter stream instead of blocking the group forever; it can be replayed from there
 * ({@code /api/v1/admin/streams/dead-letters}).</li>
 * </ul>
 */
final class StreamConsumer implements StreamGroupReader.BatchHandler {

    private final EventHandler handler;
    private final EventDedup dedup;
    private final DeliveryFailures failures;
    private final FailureClassifier classifier;
    private final OutageBackoff backoff;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final int maxDeliveries;

    StreamConsumer(ReactiveRedisDataSource redis, ObjectMapper mapper, MeterRegistry meters, StreamsConfig config,
            FailureClassifier classifier, String stream, String group, EventHandler handler) {
        this.handler = handler;
        this.dedup = new EventDedup(redis, group, config.dedupTtl(), config.dedupSlice(), config.claimTtl());
        this.failures = new DeliveryFailures(redis, stream, group, config.dedupTtl());
        this.classifier = classifier;
        this.backoff = new OutageBackoff(config.outageBackoffMin(), config.outageBackoffMax());
        this.mapper = mapper;
        this.meters = meters;
        this.maxDeliveries = config.maxDeliveries();
    }

    @Override
    public void handle(StreamGroupReader reader, List<StreamMessage<String, String, String>> batch, boolean reclaimed) {
        for (StreamMessage<String, String, String> message : batch) {
            if (!reader.running()) {
                return; // closed while retrying: the rest stays pending for another member
            }
            if (reclaimed && deadLetterIfOverLimit(reader, message)) {
                continue;
            }
            if (reclaimed) {
                count(reader, "reclaimed");
            }
            process(reader, message, reclaimed);
        }
    }

    /** Parks a reclaimed entry whose deliveries that were its own fault exceed the limit. */
    private boolean deadLetterIfOverLimit(StreamGroupReader reader, StreamMessage<String, String, String> message) {
        long deliveries = reader.deliveries(message.id());
        DeliveryFailures.Counts counts = failures.of(message.id());
        if (deliveries - counts.excused() <= maxDeliveries) {
            return false;
        }
        String reason = "delivered more than " + maxDeliveries + " times"
                + (counts.excused() > 0 ? " (not counting " + counts.excused() + " during outages)" : "")
                + (counts.lastError() != null ? "; last error: " + counts.lastError() : "");
        reader.deadLetter(message, reason, Map.of(
                DeadLetterFields.DELIVERIES, Long.toString(deliveries),
                DeadLetterFields.POISON_FAILURES, Long.toString(counts.poison()),
                DeadLetterFields.EXCUSED_DELIVERIES, Long.toString(counts.excused())));
        failures.clear(message.id());
        count(reader, "dead_lettered");
        return true;
    }

    private void process(StreamGroupReader reader, StreamMessage<String, String, String> message, boolean reclaimed) {
        if (message.payload() == null || message.payload().isEmpty()) {
            reader.ack(message.id()); // trimmed from the stream while pending: nothing left to handle
            forget(message, reclaimed);
            return;
        }
        EventEnvelope event;
        try {
            event = EventEnvelope.fromFields(message.payload(), mapper);
        } catch (MalformedEventException e) {
            reader.deadLetter(message, e.getMessage());
            forget(message, reclaimed);
            count(reader, "dead_lettered");
            return;
        }
        boolean recorded = false; // whether this delivery wrote to DeliveryFailures (so its fields need clearing)
        int outageAttempts = 0;
        while (true) {
            switch (dedup.claim(event.id())) {
                case HANDLED -> {
                    reader.ack(message.id());
                    forget(message, reclaimed || recorded);
                    recovered(reader, outageAttempts);
                    count(reader, "duplicate");
                    return;
                }
                case BUSY -> {
                    // Another member runs a copy right now. Acknowledging ours could lose the event if that member
                    // fails, so it stays pending: reclaimed later, it is then a duplicate (or ours to handle). Not
                    // this entry's fault, so the delivery does not count toward max-deliveries.
                    if (!recorded) {
                        failures.excused(message.id());
                    }
                    reader.backingOff(false); // moving on; the back-off pause keeps growing if the next one fails
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
                if (!classifier.isOutage(e)) {
                    failures.poison(message.id(), e);
                    recovered(reader, outageAttempts); // the handler got past its dependencies: not an outage
                    count(reader, "poison");
                    Log.warnf(e, "stream %s group %s: handler failed on %s %s; it stays pending and is retried",
                            reader.stream(), reader.group(), event.type(), event.id());
                    return;
                }
                count(reader, "outage");
                if (!recorded) {
                    failures.excused(message.id()); // once per delivery, however often it is retried in place
                    recorded = true;
                }
                if (outageAttempts++ == 0) {
                    Log.warnf(e, "stream %s group %s: a dependency is down while handling %s %s; retrying with "
                            + "back-off, reading nothing new meanwhile", reader.stream(), reader.group(), event.type(),
                            event.id());
                } else {
                    Log.debugf("stream %s group %s: still down (%d attempts): %s", reader.stream(), reader.group(),
                            outageAttempts, e.getMessage());
                }
                reader.backingOff(true);
                if (!reader.pauseUnlessClosed(backoff.next())) {
                    return; // shutting down: the entry stays pending for another member
                }
                continue;
            }
            dedup.handled(event.id());
            reader.ack(message.id());
            forget(message, reclaimed || recorded);
            recovered(reader, outageAttempts);
            count(reader, "handled");
            return;
        }
    }

    /** Drops what {@link DeliveryFailures} holds on an entry that is settled (only an entry delivered before has any). */
    private void forget(StreamMessage<String, String, String> message, boolean mayHaveFailures) {
        if (mayHaveFailures) {
            failures.clear(message.id());
        }
    }

    private void recovered(StreamGroupReader reader, int outageAttempts) {
        backoff.reset();
        reader.backingOff(false);
        if (outageAttempts > 0) {
            Log.infof("stream %s group %s: dependency back after %d failed attempts", reader.stream(), reader.group(),
                    outageAttempts);
        }
    }

    private void count(StreamGroupReader reader, String outcome) {
        switch (outcome) {
            case "outage", "poison" -> failureCounter(meters, reader.stream(), reader.group(), outcome).increment();
            default -> counter(meters, reader.stream(), reader.group(), outcome).increment();
        }
    }

    private static final List<String> OUTCOMES = List.of("handled", "duplicate", "busy", "failed", "reclaimed",
            "dead_lettered");

    /**
     * Registers every outcome's counter at zero when a member joins, so the series exist before the first event and
     * {@code rate()}/{@code increase()} in rules and dashboards see the first one too.
     */
    static void registerOutcomes(MeterRegistry meters, String stream, String group) {
        OUTCOMES.forEach(outcome -> counter(meters, stream, group, outcome));
        List.of("outage", "poison").forEach(kind -> failureCounter(meters, stream, group, kind));
    }

    private static Counter counter(MeterRegistry meters, String stream, String group, String outcome) {
        return Counter.builder("vigil.stream.events")
                .description("Stream entries by consumer group and outcome (handled, duplicate, busy, failed, "
                        + "reclaimed, dead_lettered)")
                .tag("stream", stream).tag("group", group).tag("outcome", outcome)
                .register(meters);
    }

    /** {@code vigil_stream_handler_failures_total{kind="outage|poison"}}: only poison counts toward max-deliveries. */
    private static Counter failureCounter(MeterRegistry meters, String stream, String group, String kind) {
        return Counter.builder("vigil.stream.handler.failures")
                .description("Handler failures by kind: outage (a dependency down, retried with back-off) or poison "
                        + "(the event's own, counted toward max-deliveries)")
                .tag("stream", stream).tag("group", group).tag("kind", kind)
                .register(meters);
    }
}
