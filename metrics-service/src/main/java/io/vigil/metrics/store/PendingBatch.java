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

    final Map<UnitKey, SeriesAccumulator> units = new HashMap<>();
    final List<Sample> slow = new ArrayList<>();
    /** Ingest-stream entries whose samples are in this batch: acknowledged once all their series are merged. */
    final List<String> streamIds = new ArrayList<>();
    final CompletableFuture<Void> restFlushed = new CompletableFuture<>();
    final CompletableFuture<Void> streamFlushed = new CompletableFuture<>();
    long samples;
    int attempts;
    /**
     * Who flushes the stream part, {@code <run>#<seq>}: the key of its journal record and of its merges' marks (null
     * until the flusher takes the batch). A retry or a replay keeps the token, so a merge already applied is skipped.
     */
    String token;
    /** The run's oldest unfinished flush when this one is written: marks below it are dropped (0 keeps all). */
    long oldestUnfinished;

    /** What a refused or failed flush leaves: its stream series not yet merged and its entries not yet acknowledged. */
    PendingBatch retry(List<SeriesAccumulator> streamUnits, boolean acked) {
        PendingBatch next = new PendingBatch();
        for (SeriesAccumulator acc : streamUnits) {
            next.units.put(UnitKey.of(acc, true), acc);
        }
        if (!acked) {
            next.streamIds.addAll(streamIds);
        }
        next.token = token;
        next.attempts = attempts + 1;
        next.streamFlushed.whenComplete((v, e) -> {
            if (e != null) {
                streamFlushed.completeExceptionally(e);
            } else {
                streamFlushed.complete(null);
            }
        });
        return next;
    }

    /** The stream series of this batch (a failed flush retries them; REST callers were answered 503). */
    List<SeriesAccumulator> streamUnits() {
        List<SeriesAccumulator> out = new ArrayList<>();
        units.forEach((k, acc) -> {
            if (k.stream()) {
                out.add(acc);
            }
        });
        return out;
    }

    static long seqOf(String token) {
        return Long.parseLong(token.substring(token.lastIndexOf('#') + 1));
    }

    static String runOf(String token) {
        return token.substring(0, token.lastIndexOf('#'));
    }

    boolean isEmpty() {
        return samples == 0 && units.isEmpty() && streamIds.isEmpty();
    }

    public long samples() {
        return samples;
    }
}
