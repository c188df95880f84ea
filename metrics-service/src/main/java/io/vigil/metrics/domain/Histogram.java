package io.vigil.metrics.domain;

/**
 * A merged latency histogram over {@link LatencyBins} (dense counts: merging is array addition), with exact count,
 * sum and max. Percentiles use the nearest-rank definition (the value at rank ⌈q·n⌉ of the sorted samples),
 * estimated within {@link LatencyBins#ALPHA}. The sum is kept in whole microseconds (what every bucket hash stores,
 * {@code s} in µs): integer sums give the same bits whatever the order or grouping of a merge, so a cached merge of
 * closed buckets plus the open ones answers exactly as merging every rollup one by one.
 */
public final class Histogram {

    private final long[] bins = new long[LatencyBins.SIZE];
    private long binned;
    private long count;
    private long sumMicros;
    private double maxMs;
    // The bins outside [lo, hi] are zero: merges and percentiles walk only the occupied range (a few hundred of the
    // ~1,270 bins for latencies between 1 ms and 10 s), which a 24 h query over 200 endpoints does a thousand times.
    private int lo = Integer.MAX_VALUE;
    private int hi = -1;

    public void addBin(int index, long n) {
        int i = Math.max(0, Math.min(bins.length - 1, index - LatencyBins.MIN_INDEX));
        bins[i] += n;
        binned += n;
        lo = Math.min(lo, i);
        hi = Math.max(hi, i);
    }

    public void addTotals(long count, double sumMs, double maxMs) {
        this.count += count;
        this.sumMicros += Math.round(sumMs * 1000);
        this.maxMs = Math.max(this.maxMs, maxMs);
    }

    public void merge(Histogram other) {
        for (int i = other.lo; i <= other.hi; i++) {
            bins[i] += other.bins[i];
        }
        lo = Math.min(lo, other.lo);
        hi = Math.max(hi, other.hi);
        binned += other.binned;
        count += other.count;
        sumMicros += other.sumMicros;
        maxMs = Math.max(maxMs, other.maxMs);
    }

    public long count() {
        return count;
    }

    public double sumMs() {
        return sumMicros / 1000.0;
    }

    public double maxMs() {
        return maxMs;
    }

    /** @param q in (0, 1]; 0 when empty */
    public double percentile(double q) {
        if (count == 0 || binned == 0) {
            return 0;
        }
        if (q >= 1) {
            return maxMs;
        }
        long rank = Math.max(1, (long) Math.ceil(q * binned));
        long seen = 0;
        for (int i = lo; i <= hi; i++) {
            seen += bins[i];
            if (seen >= rank) {
                return Math.min(LatencyBins.value(i + LatencyBins.MIN_INDEX), maxMs);
            }
        }
        return maxMs;
    }
}
