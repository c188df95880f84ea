package io.vigil.metrics.store;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vigil.common.stream.Instance;
import io.vigil.metrics.api.PrometheusExport;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SeriesAccumulator;
import io.vigil.metrics.domain.SeriesKey;

/**
 * Pre-aggregates samples in memory for one flush interval and writes them to Redis in one pipelined flush (group
 * commit). Callers get a future that completes when their samples are in Redis, so nothing acknowledged lives only in
 * this process.
 */
@ApplicationScoped
public class Aggregator {

    private final BucketWriter writer;
    private final MetricsConfig config;
    private final double warnMs;
    private final double criticalMs;
    private final double[] promBoundsMs;
    private final Object lock = new Object();
    private PendingBatch current = new PendingBatch();
    /**
     * Stream parts of earlier flushes still to write, oldest first (flusher thread only): series Redis refused, XACKs
     * that failed, flushes the connection dropped, and flushes of dead replicas replayed from the journal.
     */
    private final Deque<PendingBatch> unfinished = new ArrayDeque<>();
    /** Replays handed over by the stream reader, written by the next flush (any thread). */
    private final Deque<PendingBatch> replays = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** This process's run: a restarted replica keeps its name, but its flush sequence starts again. */
    private final String run;
    private long seq;
    private long lastRefusalLog;
    private Thread flusher;
    private volatile boolean running = true;

    public Aggregator(BucketWriter writer, MetricsConfig config, MeterRegistry meters, Instance instance) {
        this.writer = writer;
        this.run = instance.name() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Gauge.builder("vigil.metrics.flush.refused.series", this, Aggregator::refusedSeries)
                .description("Stream series Redis refused (memory full, wrong key type), retried at every flush; "
                        + "their entries stay pending")
                .register(meters);
        this.config = config;
        this.warnMs = config.slow().warnMs();
        this.criticalMs = config.slow().criticalMs();
        // A copy, so the per-sample path makes no call through the export's CDI proxy.
        this.promBoundsMs = config.prometheus().bucketsMs().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    void start(@Observes StartupEvent event) {
        flusher = new Thread(this::flushLoop, "metrics-flusher");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Records validated samples; the future completes when they are safely in Redis (or fails if they are not). */
    public CompletableFuture<Void> record(Collection<Sample> samples) {
        if (samples.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return record(samples, List.of(), false);
    }

    /**
     * Records samples read from the ingest stream; the flush acknowledges the entries once every series of theirs is
     * merged. A series Redis refuses (memory full, a key of the wrong type) is retried at each flush with the same
     * content, its entries left pending and unacknowledged, so nothing is lost and nothing counted twice.
     */
    public CompletableFuture<Void> record(Collection<Sample> samples, List<String> streamIds) {
        if (samples.isEmpty() && streamIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return record(samples, streamIds, true);
    }

    /**
     * Records histogram buckets: {@code times[i]} requests of {@code samples.get(i)}'s duration each (OTLP metrics);
     * the future completes when they are in Redis. Buckets are counted as slow, but are no individual requests, so
     * they are not listed among the slow requests.
     */
    public CompletableFuture<Void> recordCounts(List<Sample> samples, long[] times) {
        if (samples.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return record(samples, times, List.of(), false);
    }

    private CompletableFuture<Void> record(Collection<Sample> samples, List<String> streamIds, boolean stream) {
        return record(samples, null, streamIds, stream);
    }

    private CompletableFuture<Void> record(Collection<Sample> samples, long[] times, List<String> streamIds,
            boolean stream) {
        synchronized (lock) {
            return record(current, samples, times, streamIds, stream);
        }
    }

    private CompletableFuture<Void> record(PendingBatch batch, Collection<Sample> samples, long[] times,
            List<String> streamIds, boolean stream) {
        batch.streamIds.addAll(streamIds);
        int i = 0;
        long recorded = 0;
        for (Sample s : samples) {
            long n = times == null ? 1 : times[i++];
            recorded += n;
            long rawStart = Resolution.RAW.bucketStart(s.timestampMs());
            PendingBatch.UnitKey key = new PendingBatch.UnitKey(s.service(), s.endpoint(), s.method(),
                    s.statusClass(), rawStart, stream);
            SeriesAccumulator acc = batch.units.get(key);
            if (acc == null) {
                acc = new SeriesAccumulator(new SeriesKey(s.service(), s.endpoint(), s.method(), s.statusClass()),
                        rawStart, promBoundsMs.length);
                batch.units.put(key, acc);
            }
            double ms = s.durationMs();
            boolean slow = ms > warnMs;
            acc.record(ms, n, slow, ms > criticalMs, promBucket(ms));
            if (slow && times == null) {
                batch.slow.add(s);
            }
        }
        batch.samples += recorded;
        return stream ? batch.streamFlushed : batch.restFlushed;
    }

    private int promBucket(double ms) {
        return PrometheusExport.bucketOf(promBoundsMs, ms);
    }

    private PendingBatch swap() {
        synchronized (lock) {
            PendingBatch full = current;
            current = new PendingBatch();
            return full;
        }
    }

    private void flushLoop() {
        while (running) {
            try {
                Thread.sleep(config.flushInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                flushOnce();
            } catch (RuntimeException e) {
                // never let the flusher die: every REST answer and stream XACK waits for it
                Log.errorf(e, "flush failed unexpectedly");
            }
        }
    }

    /**
     * Records the samples of the entries of an unfinished flush of {@code token} (a replica died between its merges and
     * its XACK): the next flush writes them under that token, so the merges it had made are skipped, then acknowledges
     * the entries and forgets the flush.
     */
    public CompletableFuture<Void> replay(String token, Collection<Sample> samples, List<String> streamIds) {
        PendingBatch batch = new PendingBatch();
        record(batch, samples, null, streamIds, true);
        batch.token = token;
        replays.add(batch);
        return batch.streamFlushed;
    }

    /** Writes what earlier flushes left, then what was recorded since; also used on shutdown. */
    public void flushOnce() {
        for (PendingBatch replay; (replay = replays.poll()) != null;) {
            unfinished.addLast(replay);
        }
        PendingBatch batch = swap();
        if (!batch.streamIds.isEmpty() || !batch.streamUnits().isEmpty()) {
            batch.token = run + "#" + (++seq);
        }
        // Marks of this run below its oldest unfinished flush are no longer needed: no flush of theirs is retried.
        long oldest = batch.token == null ? seq + 1 : seq;
        for (PendingBatch b : unfinished) {
            if (PendingBatch.runOf(b.token).equals(run)) {
                oldest = Math.min(oldest, PendingBatch.seqOf(b.token));
            }
        }
        int retries = unfinished.size();
        for (int i = 0; i < retries; i++) {
            PendingBatch retry = unfinished.pollFirst();
            // A dead replica's flush keeps all its marks: it may have left more than one unfinished.
            retry.oldestUnfinished = PendingBatch.runOf(retry.token).equals(run) ? oldest : 0;
            write(retry);
        }
        if (batch.isEmpty()) {
            batch.restFlushed.complete(null);
            batch.streamFlushed.complete(null);
        } else {
            batch.oldestUnfinished = oldest;
            write(batch);
        }
    }

    /** Writes one batch; what Redis refused or the connection lost is kept to be retried under the same token. */
    private void write(PendingBatch batch) {
        BucketWriter.Result result;
        try {
            result = writer.write(batch);
        } catch (RuntimeException e) {
            // The connection failed mid-flush: what Redis applied is unknown. REST callers are answered 503; the
            // stream part is retried under its token, whose marks skip what was applied.
            Log.warnf("flush of %d samples failed: %s", batch.samples, e.getMessage());
            batch.restFlushed.completeExceptionally(e);
            if (batch.token != null) {
                unfinished.addLast(batch.retry(batch.streamUnits(), false));
            } else {
                batch.streamFlushed.completeExceptionally(e);
            }
            return;
        }
        if (result.restRefused() == null) {
            batch.restFlushed.complete(null);
        } else {
            batch.restFlushed.completeExceptionally(new IllegalStateException(result.restRefused()));
        }
        if (batch.token == null || result.streamRetry().isEmpty() && result.streamAcked()) {
            batch.streamFlushed.complete(null); // (no token: no stream part)
            return;
        }
        unfinished.addLast(batch.retry(result.streamRetry(), result.streamAcked()));
        long now = System.currentTimeMillis();
        if (now - lastRefusalLog > 10_000) {
            lastRefusalLog = now;
            Log.warnf("flush refused by Redis (%s): %d stream series are retried at each flush, their entries stay "
                    + "pending", result.reason(), refusedSeries());
        }
    }

    /** Stream series waiting for Redis to accept them again (0 when all is flushed). */
    public int refusedSeries() {
        int n = 0;
        for (PendingBatch b : unfinished) {
            n += b.units.size();
        }
        return n;
    }

    @PreDestroy
    void stop() {
        running = false;
        if (flusher != null) {
            flusher.interrupt();
            try {
                flusher.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushOnce();
    }
}
