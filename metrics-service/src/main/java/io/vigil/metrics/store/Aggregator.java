package io.vigil.metrics.store;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
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
    private Thread flusher;
    private volatile boolean running = true;

    public Aggregator(BucketWriter writer, MetricsConfig config) {
        this.writer = writer;
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
        return record(samples, List.of());
    }

    /**
     * Records samples read from the ingest stream; the entries are acknowledged by the flush pipeline itself, right
     * after the data, so a crash can hardly fall between storing and acknowledging (which would count them twice).
     */
    public CompletableFuture<Void> record(Collection<Sample> samples, List<String> streamIds) {
        if (samples.isEmpty() && streamIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (lock) {
            PendingBatch batch = current;
            batch.streamIds.addAll(streamIds);
            for (Sample s : samples) {
                long rawStart = Resolution.RAW.bucketStart(s.timestampMs());
                PendingBatch.UnitKey key = new PendingBatch.UnitKey(s.service(), s.endpoint(), s.method(),
                        s.statusClass(), rawStart);
                SeriesAccumulator acc = batch.units.get(key);
                if (acc == null) {
                    acc = new SeriesAccumulator(new SeriesKey(s.service(), s.endpoint(), s.method(), s.statusClass()),
                            rawStart, promBoundsMs.length);
                    batch.units.put(key, acc);
                }
                double ms = s.durationMs();
                boolean slow = ms > warnMs;
                acc.record(ms, slow, ms > criticalMs, promBucket(ms));
                if (slow) {
                    batch.slow.add(s);
                }
            }
            batch.samples += samples.size();
            return batch.flushed;
        }
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
            flushOnce();
        }
    }

    /** Writes what was recorded so far; also used on shutdown. */
    public void flushOnce() {
        PendingBatch batch = swap();
        if (batch.samples == 0 && batch.streamIds.isEmpty()) {
            batch.flushed.complete(null);
            return;
        }
        try {
            writer.write(batch);
            batch.flushed.complete(null);
        } catch (RuntimeException e) {
            // Callers see the failure: REST answers 503, stream entries stay pending and are read again.
            Log.warnf("flush of %d samples failed: %s", batch.samples, e.getMessage());
            batch.flushed.completeExceptionally(e);
        }
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
