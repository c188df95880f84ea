package io.vigil.alert.notify;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.Notification;
import io.vigil.alert.engine.AlertMeters;

/**
 * Workers that lease notification jobs from queue-service, send each with a timeout, and ack it, or nack it with
 * the (secret-free) error so queue-service retries with backoff and dead-letters after the queue's maxAttempts.
 * At least once: a worker killed between send and ack leaves a job that is sent again after its lease expires.
 */
@ApplicationScoped
public class NotificationWorker {

    private final QueueClient queue;
    private final Senders senders;
    private final AlertMeters meters;
    private final ObjectMapper mapper;
    private final AlertConfig.Delivery config;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public NotificationWorker(QueueClient queue, Senders senders, AlertMeters meters, ObjectMapper mapper,
            AlertConfig config) {
        this.queue = queue;
        this.senders = senders;
        this.meters = meters;
        this.mapper = mapper;
        this.config = config.delivery();
    }

    void start(@Observes StartupEvent ignored) {
        if (!queue.configured()) {
            return;
        }
        running = true;
        for (int i = 0; i < config.workers(); i++) {
            Thread t = new Thread(this::loop, "alert-notification-worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        running = false;
        threads.forEach(Thread::interrupt);
    }

    private void loop() {
        long backoff = 200;
        while (running) {
            try {
                for (QueueClient.Job job : queue.lease(10, config.leaseWaitMs())) {
                    handle(job);
                }
                backoff = 200;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                Log.debugf("notification lease failed: %s", e.getMessage());
                try {
                    Thread.sleep(backoff); // queue-service down: the enqueue side falls back meanwhile
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }

    private void handle(QueueClient.Job job) {
        Notification n;
        try {
            n = mapper.treeToValue(job.payload(), Notification.class);
        } catch (Exception e) {
            queue.nack(job, "unreadable notification: " + e.getClass().getSimpleName());
            return;
        }
        try {
            senders.send(n);
        } catch (RuntimeException e) {
            meters.notification(n.receiver(), "failed");
            String state = queue.nack(job, e.getMessage());
            if ("dead".equals(state)) {
                meters.notification(n.receiver(), "dead");
                Log.warnf("notification %s to %s dead-lettered after %d attempts: %s", n.id(), n.receiver(),
                        job.attempts(), e.getMessage());
            }
            return;
        }
        meters.notification(n.receiver(), "sent");
        try {
            queue.ack(job);
        } catch (RuntimeException e) {
            Log.debugf("ack of %s failed (it will be sent again): %s", job.id(), e.getMessage());
        }
    }
}
