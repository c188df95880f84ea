package io.vigil.metrics.domain;

import java.util.Arrays;
import java.util.Map;

/**
 * One series in one closed (or still open) bucket of one resolution. Bins are kept sparse (sorted bin indexes and
 * their counts): a 24 h query reads thousands of rollups and merges them into a few dense {@link Histogram}s.
 */
public record Rollup(SeriesKey key, Resolution resolution, long start, int[] binIndexes, long[] binCounts, long count,
        double sumMs, double maxMs, long warn, long critical) {

    /** Reads the bucket hash written by {@code flush_bucket.lua}. */
    public static Rollup fromHash(SeriesKey key, Resolution res, long start, Map<String, String> hash) {
        int[] idx = new int[hash.size()];
        long[] cnt = new long[hash.size()];
        int n = 0;
        long warn = 0;
        long critical = 0;
        long count = 0;
        long sumMicros = 0;
        double max = 0;
        for (Map.Entry<String, String> e : hash.entrySet()) {
            String f = e.getKey();
            switch (f) {
                case "c" -> count = Long.parseLong(e.getValue());
                case "s" -> sumMicros = Long.parseLong(e.getValue());
                case "x" -> max = Double.parseDouble(e.getValue());
                case "w" -> warn = Long.parseLong(e.getValue());
                case "k" -> critical = Long.parseLong(e.getValue());
                default -> {
                    if (f.startsWith("b")) {
                        idx[n] = Integer.parseInt(f, 1, f.length(), 10);
                        cnt[n] = Long.parseLong(e.getValue());
                        n++;
                    }
                }
            }
        }
        return sorted(key, res, start, Arrays.copyOf(idx, n), Arrays.copyOf(cnt, n), count, sumMicros / 1000.0, max,
                warn, critical);
    }

    /** Orders the bins by index (Redis hashes are unordered). */
    static Rollup sorted(SeriesKey key, Resolution res, long start, int[] idx, long[] cnt, long count, double sumMs,
            double maxMs, long warn, long critical) {
        Integer[] order = new Integer[idx.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(idx[a], idx[b]));
        int[] si = new int[idx.length];
        long[] sc = new long[idx.length];
        for (int i = 0; i < order.length; i++) {
            si[i] = idx[order[i]];
            sc[i] = cnt[order[i]];
        }
        return new Rollup(key, res, start, si, sc, count, sumMs, maxMs, warn, critical);
    }

    public void addTo(Histogram h) {
        for (int i = 0; i < binIndexes.length; i++) {
            h.addBin(binIndexes[i], binCounts[i]);
        }
        h.addTotals(count, sumMs, maxMs);
    }

    public Histogram histogram() {
        Histogram h = new Histogram();
        addTo(h);
        return h;
    }

    public long errors4xx() {
        return "4xx".equals(key.statusClass()) ? count : 0;
    }

    public long errors5xx() {
        return "5xx".equals(key.statusClass()) ? count : 0;
    }
}
