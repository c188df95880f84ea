package io.vigil.alert.notify;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.Notification;
import io.vigil.alert.engine.AlertMeters;
import io.vigil.alert.store.DeadLetterStore;

/**
 * Hands notifications to queue-service's {@code notifications} queue (durable, retried, dead-lettered there), keyed
 * by the notification id so a replay enqueues nothing. A circuit breaker watches queue-service: after
 * {@code breaker-failures} consecutive failures it opens for {@code breaker-open}, and meanwhile notifications are
 * delivered directly by this replica with a local retry and backoff (counted as {@code path="fallback"}). Direct
 * delivery lives in memory: a replica killed while retrying loses those retries, which is why it is the fallback.
 */
@ApplicationScoped
public class Delivery {

    private final QueueClient queue;
    private final Senders senders;
    private final AlertMeters meters;
    private final DeadLetterStore dead;
    private final AlertConfig.Delivery config;
    private final ScheduledExecutorService direct = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "alert-direct-delivery");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long openUntil;

    public Delivery(QueueClient queue, Senders senders, AlertMeters meters, DeadLetterStore dead, AlertConfig config) {
        this.queue = queue;
        this.senders = senders;
        this.meters = meters;
        this.dead = dead;
        this.config = config.delivery();
    }

    public void enqueue(Notification n) {
        if (!queue.configured()) {
            meters.enqueued("direct");
            attempt(n, 1);
            return;
        }
        if (System.currentTimeMillis() < openUntil) {
            fallback(n);
            return;
        }
        try {
            boolean enqueued = queue.enqueue(n, n.id());
            failures.set(0);
            // A group flushed at once by the replica that saw the change and by the scheduler leader hands the same
            // notification (same id) over twice; the queue keeps one, and so does the count.
            if (enqueued) {
                meters.enqueued("queue");
            } else {
                Log.debugf("notification %s was already on the queue", n.id());
            }
        } catch (QueueClient.Unavailable e) {
            if (failures.incrementAndGet() >= config.breakerFailures()) {
                openUntil = System.currentTimeMillis() + config.breakerOpen().toMillis();
                Log.warnf("queue-service unavailable (%s): delivering notifications directly for %d ms",
                        e.getMessage(), config.breakerOpen().toMillis());
            }
            fallback(n);
        }
    }

    public boolean breakerOpen() {
        return System.currentTimeMillis() < openUntil;
    }

    private void fallback(Notification n) {
        meters.enqueued("fallback");
        direct.execute(() -> attempt(n, 1));
    }

    private void attempt(Notification n, int attempt) {
        try {
            senders.send(n);
            meters.notification(n.receiver(), "sent");
        } catch (RuntimeException e) {
            meters.notification(n.receiver(), "failed");
            if (attempt >= config.fallbackAttempts()) {
                meters.notification(n.receiver(), "dead");
                dead.put(n.id(), n.receiver(), e.getMessage(), n, System.currentTimeMillis());
                Log.warnf("notification %s to %s dead after %d direct attempts: %s", n.id(), n.receiver(), attempt,
                        e.getMessage());
                return;
            }
            long backoff = Math.min(config.fallbackBackoffCap().toMillis(),
                    config.fallbackBackoff().toMillis() << Math.min(20, attempt - 1));
            direct.schedule(() -> attempt(n, attempt + 1), backoff, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        direct.shutdownNow();
    }
}
