package io.vigil.alert.stream;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.stream.StreamMessage;
import io.vigil.alert.engine.Evaluator;
import io.vigil.alert.engine.Progress;
import io.vigil.common.event.MalformedEventException;
import io.vigil.common.stream.Instance;
import io.vigil.common.stream.ReadSettings;
import io.vigil.common.stream.StreamsConfig;
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

    public static final String GROUP = "alert-service";

    private final StreamConsumers consumers;
    private final Evaluator evaluator;
    private final List<StreamGroupReader> readers = new ArrayList<>();

    private final Instance instance;
    private final StreamsConfig config;
    private final ObjectMapper mapper;
    private final Progress progress;

    public SignalReader(StreamConsumers consumers, Evaluator evaluator, Instance instance, StreamsConfig config,
            ObjectMapper mapper, Progress progress) {
        this.progress = progress;
        this.consumers = consumers;
        this.evaluator = evaluator;
        this.instance = instance;
        this.config = config;
        this.mapper = mapper;
    }

    public void start() {
        // the high-rate metrics streams are read in batches (one pipelined Redis round trip per batch)
        // every handler pass is timed (Progress), so readiness notices a consumer stuck in one
        readers.add(consumers.startBatches(Streams.METRICS_LIVE, GROUP, instance.name(), "$", ReadSettings.from(config),
                (reader, batch, reclaimed) -> progress.run(Streams.METRICS_LIVE, false,
                        () -> metricsBatch("live", reader, batch))));
        readers.add(consumers.startBatches(Streams.METRICS_ROLLUP, GROUP, instance.name(), "$",
                ReadSettings.from(config), (reader, batch, reclaimed) -> progress.run(Streams.METRICS_ROLLUP, false,
                        () -> metricsBatch("rollup", reader, batch))));
        readers.add(consumers.start(Streams.QUEUE, GROUP, e -> progress.run(Streams.QUEUE, false, () -> {
            if (e.type().startsWith("queue.job.")) {
                evaluator.queue(e.type(), e.id(), e.payload(), millis(e));
            }
        })));
        readers.add(consumers.start(Streams.HEALTH_TRANSITION, GROUP, e -> progress.run(Streams.HEALTH_TRANSITION,
                false, () -> evaluator.health(e.payload(), millis(e)))));
    }

    private void metricsBatch(String signal, StreamGroupReader reader, List<StreamMessage<String, String, String>> batch) {
        List<Evaluator.MetricsEvent> events = new ArrayList<>(batch.size());
        List<String> ids = new ArrayList<>(batch.size());
        for (StreamMessage<String, String, String> m : batch) {
            ids.add(m.id());
            if (m.payload() == null || m.payload().isEmpty()) {
                continue; // trimmed while pending
            }
            try {
                EventEnvelope e = EventEnvelope.fromFields(m.payload(), mapper);
                events.add(new Evaluator.MetricsEvent(e.payload(), millis(e)));
            } catch (MalformedEventException e) {
                reader.copyToDeadLetter(m, e.getMessage());
            }
        }
        evaluator.metricsBatch(signal, events);
        reader.ack(ids.toArray(String[]::new)); // only after the evaluation and its alert changes are stored
    }

    private static long millis(EventEnvelope e) {
        return e.time().toEpochMilli();
    }
}
