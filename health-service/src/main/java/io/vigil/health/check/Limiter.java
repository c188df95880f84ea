package io.vigil.health.check;

import java.util.ArrayDeque;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Bounds the checks in flight on one replica without blocking a thread: a check over the limit waits in a FIFO and
 * starts when one finishes. Its own timeout starts only then, so a queue behind hung targets never times it out.
 */
final class Limiter {

    private final int max;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;

    Limiter(int max) {
        this.max = max;
    }

    <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> submit(() -> work.get().subscribe().with(
                item -> {
                    release();
                    emitter.complete(item);
                },
                failure -> {
                    release();
                    emitter.fail(failure);
                })));
    }

    synchronized int waiting() {
        return waiting.size();
    }

    private void submit(Runnable start) {
        synchronized (this) {
            if (inFlight >= max) {
                waiting.add(start);
                return;
            }
            inFlight++;
        }
        start.run();
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
            }
        }
        if (next != null) {
            next.run();
        }
    }
}
