package io.vigil.health.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * History rows waiting for MongoDB: adding never blocks (a check must not wait for the history), and the buffer is
 * bounded: beyond {@code capacity} the oldest rows are dropped and counted ({@code vigil_health_history_dropped_total
 * {kind}}), with the rows waiting as the gauge {@code vigil_health_history_buffered{kind}}.
 */
final class HistoryBuffer<T> {

    private final ConcurrentLinkedQueue<T> rows = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Counter dropped;

    HistoryBuffer(String kind, int capacity, MeterRegistry meters) {
        this.capacity = capacity;
        this.dropped = Counter.builder("vigil.health.history.dropped")
                .description("History rows dropped because MongoDB was unreachable for too long (buffer full)")
                .tag("kind", kind).register(meters);
        Gauge.builder("vigil.health.history.buffered", size, AtomicInteger::get)
                .description("History rows waiting to be written to MongoDB").tag("kind", kind).register(meters);
    }

    void add(T row) {
        rows.add(row);
        if (size.incrementAndGet() > capacity && rows.poll() != null) {
            size.decrementAndGet();
            dropped.increment();
        }
    }

    /** Takes up to {@code max} rows, oldest first. */
    List<T> take(int max) {
        List<T> batch = new ArrayList<>();
        T row;
        while (batch.size() < max && (row = rows.poll()) != null) {
            batch.add(row);
        }
        size.addAndGet(-batch.size());
        return batch;
    }

    /** Puts back a batch whose write failed (the next flush tries again; the bound still holds). */
    void putBack(List<T> batch) {
        batch.forEach(this::add);
    }

    int size() {
        return size.get();
    }

    double dropped() {
        return dropped.count();
    }
}
