package io.vigil.queue.store;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Promotes due delayed jobs, reclaims expired leases (stalled jobs) and applies retention. Every replica runs it;
 * the scripts are atomic, so running them twice at once is harmless.
 */
@ApplicationScoped
public class Sweeper {

    private static final int BATCH = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final QueueStore store;
    private final QueueRegistry registry;
    private final DirectContract contract;
    private volatile boolean seeded;
    private long ticks;

    public Sweeper(QueueStore store, QueueRegistry registry, DirectContract contract) {
        this.store = store;
        this.registry = registry;
        this.contract = contract;
    }

    @Scheduled(every = "${vigil.queue.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            if (!seeded || ++ticks % 20 == 0) {
                // also recreates configured queues after Redis lost its data
                registry.seedConfigured();
                contract.publish(); // also after Redis lost its data: direct producers read it from there
                seeded = true;
            }
        } catch (RuntimeException e) {
            Log.debugf("seeding configured queues failed (Redis down?): %s", e.getMessage());
        }
        for (String queue : registry.namesOrNone("sweep")) {
            try { // one failing queue (a damaged key, say) does not stop the sweep of the others
                sweep(queue, ticks % 10 == 0);
            } catch (RuntimeException e) {
                Log.warnf("sweep of queue %s failed: %s", queue, e.getMessage());
            }
        }
    }

    void sweep(String queue, boolean retention) {
        while (store.promoteDelayed(queue, BATCH).await().atMost(TIMEOUT) == BATCH) {
            // more due
        }
        while (store.reclaimExpired(queue, BATCH).await().atMost(TIMEOUT) == BATCH) {
            // more expired
        }
        if (retention) {
            store.cleanRetained(queue, BATCH).await().atMost(TIMEOUT);
        }
    }
}
