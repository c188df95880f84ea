package io.vigil.metrics.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.StartupEvent;
import io.vigil.common.event.Streams;
import io.vigil.common.problem.Problem.FieldError;
import io.vigil.common.stream.Instance;
import io.vigil.common.stream.ReadSettings;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.common.stream.StreamGroupReader;
import io.vigil.common.stream.StreamsConfig;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SampleBatchReader;
import io.vigil.metrics.domain.SampleParser;
import io.vigil.metrics.store.Aggregator;
import io.vigil.metrics.store.FlushJournal;
import io.vigil.metrics.store.IngestMeters;

/**
 * Batched consumer of {@code vigil:ingest:samples} in group {@code metrics-service}: reads many entries per
 * XREADGROUP, records their samples, and acknowledges them only once the flush holding them is in Redis. Entries of
 * a dead reader are taken over with XAUTOCLAIM; an entry delivered more than {@code vigil.streams.max-deliveries} times
 * goes to the group's dead-letter stream instead of being recorded, and so does a copy of an entry with invalid
 * samples (once per entry, however often it is delivered). Entries whose samples this replica is still flushing
 * (Redis refused a series and the flush retries it) are skipped when this replica's own reclaim returns them.
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
    private final FlushJournal journal;
    private final RedisDataSource redis;
    private final MetricsConfig.Stream config;
    private final StreamConsumers consumers;
    private final Instance instance;
    private final Counter accepted;
    private final Counter rejected;
    private final int maxDeliveries;
    private final Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    /** Entries recorded and not yet acknowledged or failed: a reclaim of them must not record them again. */
    private final Set<String> recording = ConcurrentHashMap.newKeySet();

    public SampleStreamReader(SampleParser parser, SampleBatchReader batchReader, Aggregator aggregator,
            FlushJournal journal, RedisDataSource redis, MetricsConfig config, StreamConsumers consumers,
            Instance instance, IngestMeters meters, StreamsConfig streams) {
        this.parser = parser;
        this.batchReader = batchReader;
        this.aggregator = aggregator;
        this.journal = journal;
        this.redis = redis;
        this.config = config.stream();
        this.consumers = consumers;
        this.instance = instance;
        this.accepted = meters.samples("stream", "accepted");
        this.rejected = meters.samples("stream", "rejected");
        this.maxDeliveries = streams.maxDeliveries();
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
        if (reclaimed) {
            batch = replayUnfinishedFlushes(reader, batch);
        }
        List<Sample> samples = new ArrayList<>(batch.size() * 8);
        List<String> ids = new ArrayList<>(batch.size());
        for (StreamMessage<String, String, String> message : batch) {
            if (reclaimed) {
                long deliveries = reader.deliveries(message.id());
                if (deliveries == 0) {
                    // Acknowledged since it was claimed: the replay of its flush (here or by another replica)
                    // finished between the claim and the journal lookup. Its samples are in; again counts twice.
                    continue;
                }
                if (deliveries > maxDeliveries) {
                    reader.deadLetter(message, "delivered more than " + maxDeliveries + " times");
                    continue;
                }
            }
            ids.add(message.id());
            parse(reader, message, samples);
        }
        track(ids, samples.size(), aggregator.record(samples, ids));
    }

    /**
     * Of reclaimed entries, drops those this replica is still flushing, and replays the unfinished flushes of a dead
     * replica whole (the journal names their entries; the merges' marks skip what the flush had merged). Returns the
     * entries no flush holds.
     */
    private List<StreamMessage<String, String, String>> replayUnfinishedFlushes(StreamGroupReader reader,
            List<StreamMessage<String, String, String>> batch) {
        Map<String, StreamMessage<String, String, String>> free = new java.util.LinkedHashMap<>();
        for (StreamMessage<String, String, String> message : batch) {
            if (!recording.contains(message.id())) { // still being flushed here: recording it again counts it twice
                free.put(message.id(), message);
            }
        }
        Map<String, String> tokens = journal.tokensOf(new ArrayList<>(free.keySet()));
        for (String token : new java.util.LinkedHashSet<>(tokens.values())) {
            List<String> entries = journal.entriesOf(token);
            List<Sample> samples = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (String id : entries) {
                StreamMessage<String, String, String> message = free.remove(id);
                if (message == null && !recording.contains(id)) {
                    List<StreamMessage<String, String, String>> read = redis.stream(String.class)
                            .xrange(Streams.INGEST_SAMPLES, new StreamRange(id, id), 1);
                    message = read.isEmpty() ? null : read.get(0);
                }
                ids.add(id); // trimmed entries too: their acknowledgement finishes the flush
                if (message != null) {
                    parse(reader, message, samples);
                }
            }
            Log.infof("sample stream: replaying unfinished flush %s of %d entries", token, ids.size());
            track(ids, samples.size(), aggregator.replay(token, samples, ids));
        }
        // Entries a journal holds went with their flush's replay. One found in no journal was never flushed, or its
        // flush finished since the claim (a flush sends its XACK before it forgets its journal): handle() asks which.
        tokens.keySet().forEach(free::remove);
        return new ArrayList<>(free.values());
    }

    /**
     * Parses an entry's samples. A sample without a timestamp takes the entry's (its id), and ages are judged at that
     * time too, so a replay builds exactly the series and buckets the first read did.
     */
    private void parse(StreamGroupReader reader, StreamMessage<String, String, String> message, List<Sample> out) {
        if (message.payload() == null || message.payload().isEmpty()) {
            return; // trimmed while pending: nothing left to record
        }
        List<FieldError> errors = new ArrayList<>();
        String id = message.id();
        parse(message.payload(), Long.parseLong(id.substring(0, id.indexOf('-'))), out, errors);
        if (!errors.isEmpty()) {
            rejected.increment(errors.size());
            // Kept for inspection; the valid samples of the same entry are still recorded.
            reader.copyToDeadLetter(message, errors.size() > 5 ? errors.subList(0, 5) + " ..." : errors.toString());
        }
    }

    private void track(List<String> ids, int n, CompletableFuture<Void> recorded) {
        if (ids.isEmpty()) {
            return;
        }
        recording.addAll(ids);
        CompletableFuture<Void> flushed = recorded.thenRun(() -> accepted.increment(n));
        flushed.whenComplete((v, e) -> ids.forEach(recording::remove));
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
