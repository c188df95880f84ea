package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SeriesAccumulator;
import io.vigil.metrics.domain.SeriesKey;

/**
 * Samples recorded during one flush interval, pre-aggregated per series and raw bucket, REST and stream samples apart
 * (a refused REST series is answered 503 and dropped; a refused stream series is retried, its entries stay pending).
 * {@link #restFlushed} completes once the REST samples are in Redis, {@link #streamFlushed} once the stream samples are
 * and their entries are acknowledged.
 */
public final class PendingBatch {

    /** A series in one raw bucket, without building a string per sample. */
    public record UnitKey(String service, String endpoint, String method, String statusClass, long rawStart,
            boolean stream) {
        @Override
        public int hashCode() {
            // Well-mixed: endpoint templates that differ in one character must not pile into one hash bin.
            long h = service.hashCode();
            h = h * 0x9E3779B97F4A7C15L + endpoint.hashCode();
            h = h * 0x9E3779B97F4A7C15L + method.hashCode();
            h = h * 0x9E3779B97F4A7C15L + statusClass.hashCode();
            h = h * 0x9E3779B97F4A7C15L + rawStart + (stream ? 1 : 0);
            h ^= h >>> 33;
            h *= 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
            return (int) h;
        }

        static UnitKey of(SeriesAccumulator acc, boolean stream) {
            SeriesKey k = acc.key();
            return new UnitKey(k.service(), k.endpoint(), k.method(), k.statusClass(), acc.rawStart(), stream);
        }
    }

    /** What a refused flush leaves for the next one: stream series not yet merged and entries not yet acknowledged. */
    record Carry(List<SeriesAccumulator> units, List<String> streamIds, CompletableFuture<Void> streamFlushed,
            int attempts) {
    }

    final Map<UnitKey, SeriesAccumulator> units = new HashMap<>();
    final List<Sample> slow = new ArrayList<>();
    /** Ingest-stream entries whose samples are in this batch: acknowledged once all their series are merged. */
    final List<String> streamIds = new ArrayList<>();
    final CompletableFuture<Void> restFlushed = new CompletableFuture<>();
    final CompletableFuture<Void> streamFlushed = new CompletableFuture<>();
    long samples;
    int attempts;

    /** Takes over what an earlier, refused flush left; that flush's callers complete with this batch. */
    void absorb(Carry carry) {
        for (SeriesAccumulator acc : carry.units()) {
            units.merge(UnitKey.of(acc, true), acc, (a, b) -> {
                a.merge(b);
                return a;
            });
        }
        streamIds.addAll(carry.streamIds());
        attempts = Math.max(attempts, carry.attempts());
        streamFlushed.whenComplete((v, e) -> {
            if (e != null) {
                carry.streamFlushed().completeExceptionally(e);
            } else {
                carry.streamFlushed().complete(null);
            }
        });
    }

    boolean isEmpty() {
        return samples == 0 && units.isEmpty() && streamIds.isEmpty();
    }

    public long samples() {
        return samples;
    }
}
