package io.vigil.metrics.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.StartupEvent;
import io.vigil.common.event.Streams;
import io.vigil.common.problem.Problem.FieldError;
import io.vigil.common.stream.Instance;
import io.vigil.common.stream.StreamsConfig;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SampleBatchReader;
import io.vigil.metrics.domain.SampleParser;
import io.vigil.metrics.store.Aggregator;

/**
 * Batched consumer of {@code vigil:ingest:samples} in group {@code metrics-service}: reads many entries per
 * XREADGROUP, records their samples, and acknowledges them only once the flush holding them is in Redis. Entries of
 * a dead reader are taken over with XAUTOCLAIM. Unparseable entries go to the group's dead-letter stream.
 * <p>
 * Entry format (either): one sample as fields {@code service endpoint method status durationMs [timestamp]
 * [instance]}, or a field {@code samples} holding a JSON array of sample objects (the REST format), for batching.
 */
@ApplicationScoped
public class SampleStreamReader {

    public static final String GROUP = "metrics-service";
    private static final int MAX_IN_FLIGHT = 16;

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final SampleParser parser;
    private final SampleBatchReader batchReader;
    private final Aggregator aggregator;
    private final ObjectMapper mapper;
    private final MetricsConfig.Stream config;
    private final long maxLength;
    private final String consumer;
    private final Counter accepted;
    private final Counter rejected;
    private final Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    private volatile boolean running = true;
    private Thread thread;

    public SampleStreamReader(RedisDataSource redis, SampleParser parser, SampleBatchReader batchReader, Aggregator aggregator, ObjectMapper mapper,
            MetricsConfig config, StreamsConfig streamsConfig, Instance instance, MeterRegistry meters) {
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.parser = parser;
        this.batchReader = batchReader;
        this.aggregator = aggregator;
        this.mapper = mapper;
        this.config = config.stream();
        this.maxLength = streamsConfig.maxLength();
        this.consumer = instance.name();
        this.accepted = meters.counter("vigil.metrics.samples", "path", "stream", "outcome", "accepted");
        this.rejected = meters.counter("vigil.metrics.samples", "path", "stream", "outcome", "rejected");
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        thread = new Thread(this::run, "sample-stream-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long nextClaim = 0;
        boolean groupReady = false;
        while (running) {
            try {
                if (!groupReady) {
                    ensureGroup();
                    groupReady = true;
                }
                if (System.nanoTime() - nextClaim >= 0) {
                    reclaim();
                    nextClaim = System.nanoTime() + config.claimInterval().toNanos();
                }
                List<StreamMessage<String, String, String>> batch = streams.xreadgroup(GROUP, consumer,
                        Streams.INGEST_SAMPLES, ">", new XReadGroupArgs().count(config.batchSize()).block(config.block()));
                process(batch);
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                groupReady = false;
                Log.warnf("sample stream: %s; retrying in 1s", e.getMessage());
                sleep(1000);
            }
        }
    }

    private void ensureGroup() {
        try {
            // "0": a new group also takes what apps added before the first replica started.
            streams.xgroupCreate(Streams.INGEST_SAMPLES, GROUP, "0", new XGroupCreateArgs().mkstream());
        } catch (Exception e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private void reclaim() throws Exception {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(Streams.INGEST_SAMPLES, GROUP,
                    consumer, config.claimIdle(), cursor, config.batchSize());
            process(claimed.getMessages());
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    private void process(List<StreamMessage<String, String, String>> batch) throws Exception {
        if (batch == null || batch.isEmpty()) {
            return;
        }
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
                deadLetter(message, errors);
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

    /** Rejected samples are kept for inspection; the valid samples of the same entry are still recorded. */
    private void deadLetter(StreamMessage<String, String, String> message, List<FieldError> errors) {
        Map<String, String> fields = new HashMap<>(message.payload());
        fields.put("deadLetterReason", errors.size() > 5 ? errors.subList(0, 5) + " ..." : errors.toString());
        fields.put("originalId", message.id());
        streams.xadd(Streams.deadLetter(Streams.INGEST_SAMPLES, GROUP),
                new XAddArgs().maxlen(maxLength).nearlyExactTrimming(), fields);
    }

    @PreDestroy
    void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.block().toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
