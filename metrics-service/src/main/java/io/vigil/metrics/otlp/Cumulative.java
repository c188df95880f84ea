package io.vigil.metrics.otlp;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns cumulative OTLP points into deltas, per stream (resource, metric name, point attributes), in this replica.
 * A stream restarts when its start time changes or a count goes down: the new point is then a delta by itself. The
 * first point of a stream counts whole when the stream started after this replica did (nothing of it was missed),
 * else it is only the baseline (what it counted before is unknown here, and may have been counted by a replica that
 * is gone). Exporters keep one connection, so a stream stays on one replica; a stream moving to another replica
 * costs the one point that becomes its baseline there.
 */
@ApplicationScoped
public class Cumulative {

    /** Bucket counts by index (explicit: bucket number; exponential: index at {@code scale}), and count and sum. */
    public record Counts(long start, int scale, long zero, Map<Integer, Long> buckets, long count, double sum) {
    }

    private record State(Counts last, long seenMs) {
    }

    private static final long FORGET_MS = 3_600_000;

    /** When this replica started: a stream that started later was seen from its start (the bean itself is lazy). */
    private final long startedNanos = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()
            * 1_000_000L;
    private final Map<String, State> streams = new ConcurrentHashMap<>();
    private long lastSweep = System.currentTimeMillis();

    /** The delta since the stream's previous point, or null when this point is only a baseline. */
    public Counts delta(String stream, Counts now) {
        long nowMs = System.currentTimeMillis();
        sweep(nowMs);
        State previous = streams.put(stream, new State(now, nowMs));
        if (previous == null) {
            return now.start() >= startedNanos ? now : null;
        }
        Counts before = previous.last();
        if (before.start() != now.start() || now.count() < before.count()
                || (now.buckets().isEmpty() && now.sum() < before.sum())) {
            return now;
        }
        Map<Integer, Long> prior = before.scale() > now.scale() ? downscale(before.buckets(), before.scale() - now.scale())
                : before.buckets();
        if (before.scale() < now.scale()) {
            // Exporters only lower the scale of a cumulative stream; a raise means a new stream.
            return now;
        }
        Map<Integer, Long> delta = new HashMap<>();
        for (Map.Entry<Integer, Long> e : now.buckets().entrySet()) {
            long d = e.getValue() - prior.getOrDefault(e.getKey(), 0L);
            if (d < 0) {
                return now;
            }
            if (d > 0) {
                delta.put(e.getKey(), d);
            }
        }
        return new Counts(now.start(), now.scale(), Math.max(0, now.zero() - before.zero()), delta,
                now.count() - before.count(), now.sum() - before.sum());
    }

    /** Exponential buckets at a scale {@code shift} lower: 2^shift neighbours merge into one. */
    static Map<Integer, Long> downscale(Map<Integer, Long> buckets, int shift) {
        Map<Integer, Long> out = new HashMap<>();
        buckets.forEach((index, count) -> out.merge(index >> shift, count, Long::sum));
        return out;
    }

    private void sweep(long nowMs) {
        if (nowMs - lastSweep > 60_000) {
            lastSweep = nowMs;
            streams.values().removeIf(s -> nowMs - s.seenMs() > FORGET_MS);
        }
    }
}
