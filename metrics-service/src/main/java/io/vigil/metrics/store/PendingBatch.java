package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SeriesAccumulator;

/**
 * Samples recorded during one flush interval, pre-aggregated per series and raw bucket. Its future completes once
 * the whole batch is in Redis: that is when REST callers get their answer and stream entries are acknowledged.
 */
public final class PendingBatch {

    /** A series in one raw bucket, without building a string per sample. */
    public record UnitKey(String service, String endpoint, String method, String statusClass, long rawStart) {
        @Override
        public int hashCode() {
            // Well-mixed: endpoint templates that differ in one character must not pile into one hash bin.
            long h = service.hashCode();
            h = h * 0x9E3779B97F4A7C15L + endpoint.hashCode();
            h = h * 0x9E3779B97F4A7C15L + method.hashCode();
            h = h * 0x9E3779B97F4A7C15L + statusClass.hashCode();
            h = h * 0x9E3779B97F4A7C15L + rawStart;
            h ^= h >>> 33;
            h *= 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
            return (int) h;
        }
    }

    final Map<UnitKey, SeriesAccumulator> units = new HashMap<>();
    final List<Sample> slow = new ArrayList<>();
    /** Ingest-stream entries whose samples are in this batch: acknowledged in the same pipeline as the data. */
    final List<String> streamIds = new ArrayList<>();
    final CompletableFuture<Void> flushed = new CompletableFuture<>();
    long samples;

    public CompletableFuture<Void> flushed() {
        return flushed;
    }

    public long samples() {
        return samples;
    }
}
