package io.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vigil.metrics.domain.BinCodec;
import io.vigil.metrics.domain.Histogram;
import io.vigil.metrics.domain.LatencyBins;

/** The bin layout's accuracy, exact merging, and the MongoDB bin encoding, without the service. */
class HistogramTest {

    @Test
    void everyPercentileIsWithinAlphaOfTheExactValueAndAsGoodAsHdrHistogram() {
        Random random = new Random(1);
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(50_000);
            double[] values = new double[n];
            Histogram ours = new Histogram();
            org.HdrHistogram.Histogram hdr = new org.HdrHistogram.Histogram(2);
            for (int i = 0; i < n; i++) {
                double ms = Math.exp(random.nextGaussian() * 2 + 3) + random.nextDouble() * 0.01;
                values[i] = ms;
                ours.addBin(LatencyBins.index(ms), 1);
                ours.addTotals(1, ms, ms);
                hdr.recordValue(Math.round(ms * 1000));
            }
            Arrays.sort(values);
            for (double q : new double[] { 0.01, 0.5, 0.9, 0.95, 0.99, 0.999 }) {
                double exact = values[(int) Math.ceil(q * n) - 1];
                assertThat(ours.percentile(q)).as("q=%s n=%d", q, n).isCloseTo(exact, within(exact * LatencyBins.ALPHA));
                // HdrHistogram with 2 significant digits is the in-process reference with the same (1 %) accuracy.
                assertThat(hdr.getValueAtPercentile(q * 100) / 1000.0).isCloseTo(exact, within(exact * 0.01 + 0.001));
            }
            assertThat(ours.percentile(1.0)).isEqualTo(values[n - 1]);
        }
    }

    @Test
    void mergingIsExact() {
        Random random = new Random(2);
        Histogram whole = new Histogram();
        Histogram a = new Histogram();
        Histogram b = new Histogram();
        for (int i = 0; i < 10_000; i++) {
            double ms = random.nextDouble() * 1000;
            whole.addBin(LatencyBins.index(ms), 1);
            (i % 2 == 0 ? a : b).addBin(LatencyBins.index(ms), 1);
            whole.addTotals(1, ms, ms);
            (i % 2 == 0 ? a : b).addTotals(1, ms, ms);
        }
        a.merge(b);
        for (double q : new double[] { 0.5, 0.9, 0.99 }) {
            assertThat(a.percentile(q)).isEqualTo(whole.percentile(q));
        }
        assertThat(a.count()).isEqualTo(whole.count());
        // Sums are whole microseconds: the same bits whatever the grouping (a cached merge plus the rest, or one by one).
        assertThat(a.sumMs()).isEqualTo(whole.sumMs());
        assertThat(a.maxMs()).isEqualTo(whole.maxMs());
    }

    @Test
    void binsRoundTripThroughTheCompactEncoding() {
        int[] idx = { LatencyBins.MIN_INDEX, -3, 0, 5, 400, LatencyBins.MAX_INDEX };
        long[] cnt = { 1, 300, 0, 1L << 40, 7, 2 };
        byte[] data = BinCodec.encode(idx, cnt);
        int[] outIdx = new int[BinCodec.size(data)];
        long[] outCnt = new long[outIdx.length];
        int n = BinCodec.decode(data, outIdx, outCnt);
        assertThat(Arrays.copyOf(outIdx, n)).containsExactly(idx);
        assertThat(Arrays.copyOf(outCnt, n)).containsExactly(cnt);
    }
}
