package io.vigil.queue.store;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Wakes long-polling leases of this replica: at once for jobs enqueued here, through {@link ReadyNotifications} for
 * jobs made ready by any replica (pub/sub), and the waiters' short poll covers a lost subscription. Never blocks a
 * thread.
 */
@ApplicationScoped
public class LeaseSignals {

    private final Vertx vertx;
    private final Map<String, Set<Runnable>> waiters = new ConcurrentHashMap<>();

    public LeaseSignals(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Completes when {@link #signal} is called for the queue or after {@code ms}, whichever comes first. */
    public Uni<Void> await(String queue, long ms) {
        return Uni.createFrom().emitter(em -> {
            Set<Runnable> set = waiters.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet());
            AtomicBoolean done = new AtomicBoolean();
            long[] timer = new long[1];
            Runnable[] self = new Runnable[1];
            self[0] = () -> {
                if (done.compareAndSet(false, true)) {
                    set.remove(self[0]);
                    vertx.cancelTimer(timer[0]);
                    em.complete(null);
                }
            };
            timer[0] = vertx.setTimer(Math.max(1, ms), id -> self[0].run());
            set.add(self[0]);
            em.onTermination(() -> set.remove(self[0]));
        });
    }

    /** How many leases of this replica are long-polling the queue now. */
    public int waiting(String queue) {
        Set<Runnable> set = waiters.get(queue);
        return set == null ? 0 : set.size();
    }

    public void signal(String queue) {
        Set<Runnable> set = waiters.get(queue);
        if (set != null && !set.isEmpty()) {
            for (Runnable wake : set.toArray(Runnable[]::new)) {
                wake.run();
            }
        }
    }
}
