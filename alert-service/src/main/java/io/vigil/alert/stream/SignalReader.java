package io.vigil.alert.stream;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.alert.engine.Evaluator;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.common.stream.StreamGroupReader;

/**
 * Joins the consumer group {@code alert-service} on every stream rules watch, so replicas split the events and none
 * is evaluated twice; the reader acknowledges an entry only after its evaluation (and the alert changes it caused)
 * are stored, and drops redelivered event ids.
 */
@ApplicationScoped
public class SignalReader {

    /** metrics-service's fast signal: a rolling 10 s view of each series, every 250 ms (see the module README). */
    public static final String METRICS_LIVE = "vigil:events:metrics.live";
    public static final String GROUP = "alert-service";

    private final StreamConsumers consumers;
    private final Evaluator evaluator;
    private final List<StreamGroupReader> readers = new ArrayList<>();

    public SignalReader(StreamConsumers consumers, Evaluator evaluator) {
        this.consumers = consumers;
        this.evaluator = evaluator;
    }

    public void start() {
        readers.add(consumers.start(METRICS_LIVE, GROUP, e -> evaluator.metrics("live", e.payload(), millis(e))));
        readers.add(consumers.start(Streams.METRICS_ROLLUP, GROUP,
                e -> evaluator.metrics("rollup", e.payload(), millis(e))));
        readers.add(consumers.start(Streams.QUEUE, GROUP, e -> {
            if (e.type().startsWith("queue.job.")) {
                evaluator.queue(e.type(), e.id(), e.payload(), millis(e));
            }
        }));
        readers.add(consumers.start(Streams.HEALTH_TRANSITION, GROUP, e -> evaluator.health(e.payload(), millis(e))));
    }

    private static long millis(EventEnvelope e) {
        return e.time().toEpochMilli();
    }
}
