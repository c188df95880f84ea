package io.vigil.metrics.domain;

/**
 * The fixed log-linear bin layout shared by every replica (DDSketch-style): bin {@code i} holds durations in
 * {@code (γ^(i-1), γ^i]} ms with {@code γ = (1+α)/(1-α)}, and reports {@code 2γ^i/(γ+1)}, which is within a relative
 * error α = 1% of every value in the bin. Because the layout never changes, histograms merge exactly by adding counts
 * per bin index (HINCRBY), across replicas and time buckets.
 */
public final class LatencyBins {

    /** Relative accuracy of every percentile (for durations in [1 µs, 10^8 ms]). */
    public static final double ALPHA = 0.01;
    public static final double GAMMA = (1 + ALPHA) / (1 - ALPHA);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    /** Smaller durations (including 0) are counted as 1 µs. */
    public static final double MIN_MS = 0.001;
    /** Larger durations are counted as 10^8 ms (about 28 h). */
    public static final double MAX_MS = 1e8;
    public static final int MIN_INDEX = index(MIN_MS);
    public static final int MAX_INDEX = index(MAX_MS);
    /** Number of distinct bins, for dense arrays offset by {@link #MIN_INDEX}. */
    public static final int SIZE = MAX_INDEX - MIN_INDEX + 1;

    public static int index(double ms) {
        double v = ms < MIN_MS ? MIN_MS : Math.min(ms, MAX_MS);
        return (int) Math.ceil(Math.log(v) / LOG_GAMMA);
    }

    /** The value a bin reports: within {@link #ALPHA} of every duration it holds. */
    public static double value(int index) {
        return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
    }

    private LatencyBins() {
    }
}
