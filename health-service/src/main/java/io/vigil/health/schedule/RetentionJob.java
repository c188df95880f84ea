package io.vigil.health.schedule;

import java.util.Date;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vigil.common.schedule.OncePerInterval;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.store.IncidentStore;
import io.vigil.health.store.ResultStore;

/**
 * Writes buffered results to MongoDB every second and purges what is past its retention (no TTL monitor embedded);
 * the purge runs on one replica per interval ({@link OncePerInterval}).
 */
@ApplicationScoped
public class RetentionJob {

    private final ResultStore results;
    private final IncidentStore incidents;
    private final HealthConfig config;
    private final OncePerInterval.Task purge;
    private long lastWarning;

    public RetentionJob(ResultStore results, IncidentStore incidents, HealthConfig config, OncePerInterval once) {
        this.results = results;
        this.incidents = incidents;
        this.config = config;
        this.purge = once.task("health-retention-purge", config.retention().purgeInterval());
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        try {
            while (results.flush() == ResultStore.BATCH) {
                // drain a backlog in batches
            }
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastWarning > 10_000) {
                lastWarning = now;
                Log.warnf("writing check results to MongoDB (kept for the next try): %s", e.getMessage());
            }
        }
    }

    @Scheduled(every = "${vigil.health.retention.purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        purge.run(this::purgeNow);
    }

    public long purgeNow() {
        long deleted = results.purgeExpired(new Date())
                + incidents.purge(System.currentTimeMillis() - config.retention().incidents().toMillis());
        if (deleted > 0) {
            Log.infof("purged %d expired health records", deleted);
        }
        return deleted;
    }
}
