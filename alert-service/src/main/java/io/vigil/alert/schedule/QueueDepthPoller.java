package io.vigil.alert.schedule;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.engine.AlertMeters;
import io.vigil.alert.engine.Evaluator;
import io.vigil.alert.notify.QueueClient;

/**
 * Queue depth rules ({@code backlog} = waiting + delayed, {@code oldestWaitingMs}): queue-service publishes no event
 * for a depth, so the replica holding the scheduler lock polls {@code GET /api/v1/queues} and each matching queue's
 * {@code /stats} every {@code vigil.alert.queue-depth.interval} and feeds the values to the evaluator. On its own
 * thread, so a slow queue-service never delays the timers. queue-service unavailable: the poll is skipped and counted
 * ({@code vigil_alert_queue_depth_polls_total{outcome="unavailable"}}), logged once per outage; firing depth alerts
 * then resolve by staleness ({@code stale-after}) like a metrics series without data.
 */
@ApplicationScoped
public class QueueDepthPoller {

    private final AlertConfig config;
    private final Scheduler scheduler;
    private final Evaluator evaluator;
    private final QueueClient queues;
    private final AlertMeters meters;
    private final ScheduledExecutorService timer = Scheduler.daemonTimer("alert-queue-depth");
    private boolean down;

    public QueueDepthPoller(AlertConfig config, Scheduler scheduler, Evaluator evaluator, QueueClient queues,
            AlertMeters meters) {
        this.config = config;
        this.scheduler = scheduler;
        this.evaluator = evaluator;
        this.queues = queues;
        this.meters = meters;
    }

    void start(@Observes StartupEvent ignored) {
        long every = config.queueDepth().interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        timer.shutdownNow();
    }

    private void tick() {
        if (!scheduler.leader() || !queues.configured()) {
            return;
        }
        List<Rule.Compiled> rules = evaluator.queueDepthRules();
        if (!rules.isEmpty()) {
            poll(rules);
        }
    }

    void poll(List<Rule.Compiled> rules) {
        try {
            for (String queue : queues.queueNames()) {
                Map<String, String> labels = Map.of("queue", queue);
                if (rules.stream().noneMatch(r -> Matcher.all(r.matchers(), labels))) {
                    continue;
                }
                JsonNode stats;
                try {
                    stats = queues.stats(queue);
                } catch (IllegalStateException e) {
                    Log.debugf("no stats for queue %s: %s", queue, e.getMessage()); // deleted since the listing
                    continue;
                }
                JsonNode depth = stats.path("depth");
                evaluator.queueDepth(rules, queue, Map.of(
                        "backlog", depth.path("waiting").asDouble() + depth.path("delayed").asDouble(),
                        "oldestWaitingMs", stats.path("oldestWaitingAgeMs").asDouble()), System.currentTimeMillis());
            }
            outcome("ok");
            if (down) {
                down = false;
                Log.info("queue-service reachable again: queue depth rules evaluated");
            }
        } catch (RuntimeException e) {
            // QueueClient.Unavailable, or the listing refused (a key without the reader role)
            outcome("unavailable");
            if (!down) {
                down = true;
                Log.warnf("queue depth poll skipped (logged once until it recovers): %s", e.getMessage());
            }
        }
    }

    private void outcome(String outcome) {
        meters.count("vigil.alert.queue.depth.polls", "Polls of queue-service's stats for queue depth rules",
                "outcome", outcome);
    }
}
