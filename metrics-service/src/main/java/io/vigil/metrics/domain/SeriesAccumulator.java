package io.vigil.metrics.domain;

/**
 * The in-memory pre-aggregate of one series in one raw bucket during one flush interval: dense bin counts, totals,
 * slow counts and the Prometheus bucket counts. Not thread-safe (guarded by the batch it belongs to).
 */
public final class SeriesAccumulator {

    private final SeriesKey key;
    private final long rawStart;
    private final long[] bins = new long[LatencyBins.SIZE];
    private final long[] promBuckets;
    private long count;
    private long sumMicros;
    private double maxMs = -1;
    private long warn;
    private long critical;

    public SeriesAccumulator(SeriesKey key, long rawStart, int promBucketCount) {
        this.key = key;
        this.rawStart = rawStart;
        this.promBuckets = new long[promBucketCount + 1];
    }

    public void record(double ms, boolean isWarn, boolean isCritical, int promBucket) {
        record(ms, 1, isWarn, isCritical, promBucket);
    }

    /** {@code times} requests of duration {@code ms} (a histogram bucket's count, as OTLP metrics send them). */
    public void record(double ms, long times, boolean isWarn, boolean isCritical, int promBucket) {
        bins[LatencyBins.index(ms) - LatencyBins.MIN_INDEX] += times;
        promBuckets[promBucket] += times;
        count += times;
        sumMicros += Math.round(ms * 1000) * times;
        if (ms > maxMs) {
            maxMs = ms;
        }
        if (isWarn) {
            warn += times;
        }
        if (isCritical) {
            critical += times;
        }
    }

    /** Adds another accumulator (used when endpoints fold into 'other'). */
    public void merge(SeriesAccumulator other) {
        for (int i = 0; i < bins.length; i++) {
            bins[i] += other.bins[i];
        }
        for (int i = 0; i < promBuckets.length; i++) {
            promBuckets[i] += other.promBuckets[i];
        }
        count += other.count;
        sumMicros += other.sumMicros;
        maxMs = Math.max(maxMs, other.maxMs);
        warn += other.warn;
        critical += other.critical;
    }

    public SeriesAccumulator withKey(SeriesKey newKey) {
        SeriesAccumulator copy = new SeriesAccumulator(newKey, rawStart, promBuckets.length - 1);
        copy.merge(this);
        return copy;
    }

    public SeriesKey key() {
        return key;
    }

    public long rawStart() {
        return rawStart;
    }

    public long[] bins() {
        return bins;
    }

    public long[] promBuckets() {
        return promBuckets;
    }

    public long count() {
        return count;
    }

    public long sumMicros() {
        return sumMicros;
    }

    public double maxMs() {
        return maxMs;
    }

    public long warn() {
        return warn;
    }

    public long critical() {
        return critical;
    }
}
