package io.vigil.metrics.store;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
    /** Stream series a refused flush left (flusher thread only). */
    private PendingBatch.Carry carry;
    private long lastRefusalLog;
    private Thread flusher;
    private volatile boolean running = true;

    public Aggregator(BucketWriter writer, MetricsConfig config, MeterRegistry meters) {
        this.writer = writer;
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
            PendingBatch batch = current;
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

    /** Writes what was recorded so far, with what an earlier refused flush left; also used on shutdown. */
    public void flushOnce() {
        PendingBatch batch = swap();
        if (carry != null) {
            batch.absorb(carry);
            carry = null;
        }
        if (batch.isEmpty()) {
            batch.restFlushed.complete(null);
            batch.streamFlushed.complete(null);
            return;
        }
        BucketWriter.Result result;
        try {
            result = writer.write(batch);
        } catch (RuntimeException e) {
            // The connection failed mid-flush: what Redis applied is unknown. Callers see the failure: REST answers
            // 503, stream entries stay pending and are read again (at least once, as after a crash).
            Log.warnf("flush of %d samples failed: %s", batch.samples, e.getMessage());
            batch.restFlushed.completeExceptionally(e);
            batch.streamFlushed.completeExceptionally(e);
            return;
        }
        if (result.restRefused() == null) {
            batch.restFlushed.complete(null);
        } else {
            batch.restFlushed.completeExceptionally(new IllegalStateException(result.restRefused()));
        }
        if (result.streamRetry().isEmpty() && result.streamAcked()) {
            batch.streamFlushed.complete(null);
            return;
        }
        carry = new PendingBatch.Carry(result.streamRetry(), result.streamAcked() ? List.of() : batch.streamIds,
                batch.streamFlushed, batch.attempts + 1);
        long now = System.currentTimeMillis();
        if (now - lastRefusalLog > 10_000) {
            lastRefusalLog = now;
            Log.warnf("flush refused by Redis (%s): %d stream series and %d entries are retried at each flush, "
                    + "the entries stay pending", result.reason(), result.streamRetry().size(),
                    carry.streamIds().size());
        }
    }

    /** Stream series waiting for Redis to accept them again (0 when all is flushed). */
    public int refusedSeries() {
        PendingBatch.Carry c = carry;
        return c == null ? 0 : c.units().size();
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
