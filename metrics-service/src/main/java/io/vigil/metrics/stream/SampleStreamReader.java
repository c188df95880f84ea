package io.vigil.metrics.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.StartupEvent;
import io.vigil.common.event.Streams;
import io.vigil.common.problem.Problem.FieldError;
import io.vigil.common.stream.Instance;
import io.vigil.common.stream.ReadSettings;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.common.stream.StreamGroupReader;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SampleBatchReader;
import io.vigil.metrics.domain.SampleParser;
import io.vigil.metrics.store.Aggregator;
import io.vigil.metrics.store.IngestMeters;

/**
 * Batched consumer of {@code vigil:ingest:samples} in group {@code metrics-service}: reads many entries per
 * XREADGROUP, records their samples, and acknowledges them only once the flush holding them is in Redis. Entries of
 * a dead reader are taken over with XAUTOCLAIM. Unparseable entries go to the group's dead-letter stream.
 * <p>
 * Entry format (either): one sample as fields {@code service endpoint method status durationMs [timestamp]
 * [instance]}, or a field {@code samples} holding a JSON array of sample objects (the REST format), for batching.
 */
@ApplicationScoped
public class SampleStreamReader implements StreamGroupReader.BatchHandler {

    public static final String GROUP = "metrics-service";
    private static final int MAX_IN_FLIGHT = 16;

    private final SampleParser parser;
    private final SampleBatchReader batchReader;
    private final Aggregator aggregator;
    private final MetricsConfig.Stream config;
    private final StreamConsumers consumers;
    private final Instance instance;
    private final Counter accepted;
    private final Counter rejected;
    private final Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();

    public SampleStreamReader(SampleParser parser, SampleBatchReader batchReader, Aggregator aggregator,
            MetricsConfig config, StreamConsumers consumers, Instance instance, IngestMeters meters) {
        this.parser = parser;
        this.batchReader = batchReader;
        this.aggregator = aggregator;
        this.config = config.stream();
        this.consumers = consumers;
        this.instance = instance;
        this.accepted = meters.samples("stream", "accepted");
        this.rejected = meters.samples("stream", "rejected");
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            // "0": a new group also takes what apps added before the first replica started.
            consumers.startBatches(Streams.INGEST_SAMPLES, GROUP, instance.name(), "0",
                    new ReadSettings(config.batchSize(), config.block(), config.claimIdle(), config.claimInterval()),
                    this);
        }
    }

    /** Records the samples of a batch; the aggregator acknowledges the entries in the flush that stores them. */
    @Override
    public void handle(StreamGroupReader reader, List<StreamMessage<String, String, String>> batch, boolean reclaimed) {
        long now = System.currentTimeMillis();
        List<Sample> samples = new ArrayList<>(batch.size() * 8);
        List<String> ids = new ArrayList<>(batch.size());
        for (StreamMessage<String, String, String> message : batch) {
            ids.add(message.id());
            if (message.payload() == null || message.payload().isEmpty()) {
                continue; // trimmed while pending: nothing left to record
            }
            List<FieldError> errors = new ArrayList<>();
            parse(message.payload(), now, samples, errors);
            if (!errors.isEmpty()) {
                rejected.increment(errors.size());
                // Kept for inspection; the valid samples of the same entry are still recorded.
                reader.copyToDeadLetter(message,
                        errors.size() > 5 ? errors.subList(0, 5) + " ..." : errors.toString());
            }
        }
        int n = samples.size();
        CompletableFuture<Void> flushed = aggregator.record(samples, ids).thenRun(() -> accepted.increment(n));
        flushed.exceptionally(e -> {
            Log.warnf("sample stream: %d entries stay pending after a failed flush: %s", ids.size(), e.getMessage());
            return null;
        });
        // Bounded memory: never run more than a few flushes ahead of Redis.
        inFlight.addLast(flushed);
        while (inFlight.size() > MAX_IN_FLIGHT || (!inFlight.isEmpty() && inFlight.peekFirst().isDone())) {
            try {
                inFlight.pollFirst().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already logged; the entries are reclaimed later
            }
        }
    }

    private void parse(Map<String, String> fields, long now, List<Sample> out, List<FieldError> errors) {
        String array = fields.get("samples");
        if (array == null) {
            SampleParser.Raw raw = new SampleParser.Raw();
            fields.forEach(raw::set);
            Sample s = parser.parse(raw, "", now, errors);
            if (s != null) {
                out.add(s);
            }
            return;
        }
        try {
            SampleBatchReader.Result result = batchReader.readArray(array, now);
            out.addAll(result.valid());
            result.rejected().forEach(r -> errors.addAll(r.errors()));
        } catch (Exception e) {
            errors.add(new FieldError("samples", "is not a JSON array of samples: " + e.getMessage()));
        }
    }
}
