package io.vigil.alert.schedule;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.config.ConfigFileLoader;
import io.vigil.alert.engine.Evaluator;
import io.vigil.alert.engine.Lifecycle;
import io.vigil.alert.engine.RuleSet;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.store.AlertStore;
import io.vigil.alert.store.DeadLetterStore;
import io.vigil.alert.store.GroupStore;
import io.vigil.alert.store.HistoryStore;
import io.vigil.alert.store.RedisKeys;
import io.vigil.alert.store.SeriesStore;
import io.vigil.alert.store.SilenceStore;
import io.vigil.alert.stream.SignalReader;
import io.vigil.common.schedule.OncePerInterval;
import io.vigil.common.stream.Instance;

/**
 * Start-up (indexes, config file, caches, stream readers) and the timers. Every replica refreshes its caches each
 * second; the timers (for, keepFiringFor, staleness, group flushes, escalation, ack expiry, absence, purge) run on the
 * replica holding the Redis lock {@code vigil:alert:{scheduler}:leader}, renewed every tick; a replica that dies
 * stops renewing and another takes over within {@code vigil.alert.leader-lease}. All timer state is in MongoDB, so
 * the next leader continues where the last one stopped. The purge is also claimed per interval
 * ({@link OncePerInterval}), so a change of leader does not purge twice in one interval.
 */
@ApplicationScoped
public class Scheduler {

    private final AlertConfig config;
    private final ConfigFileLoader loader;
    private final RuleSet rules;
    private final Lifecycle lifecycle;
    private final Dispatcher dispatcher;
    private final Evaluator evaluator;
    private final SignalReader reader;
    private final SeriesStore series;
    private final AlertStore alerts;
    private final HistoryStore history;
    private final GroupStore groups;
    private final SilenceStore silences;
    private final DeadLetterStore dead;
    private final Instance instance;
    private final OncePerInterval.Task purge;
    private final ScheduledExecutorService timer = daemonTimer("alert-scheduler");
    private volatile boolean leader;
    private long lastRefresh;
    private long lastPurge;

    public Scheduler(AlertConfig config, ConfigFileLoader loader, RuleSet rules, Lifecycle lifecycle,
            Dispatcher dispatcher, Evaluator evaluator, SignalReader reader, SeriesStore series, AlertStore alerts,
            HistoryStore history, GroupStore groups, SilenceStore silences, DeadLetterStore dead, Instance instance,
            OncePerInterval once) {
        this.config = config;
        this.loader = loader;
        this.rules = rules;
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.evaluator = evaluator;
        this.reader = reader;
        this.series = series;
        this.alerts = alerts;
        this.history = history;
        this.groups = groups;
        this.silences = silences;
        this.dead = dead;
        this.instance = instance;
        this.purge = once.task("alert-retention-purge", config.purgeInterval());
    }

    void start(@Observes StartupEvent ignored) {
        try {
            alerts.createIndexes();
            history.createIndexes();
            groups.createIndexes();
        } catch (RuntimeException e) {
            Log.warnf("could not create indexes: %s", e.getMessage());
        }
        loader.load();
        refresh();
        reader.start();
        long every = config.tickInterval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        timer.shutdownNow();
    }

    /** A single daemon thread for periodic work, so a stuck task never holds the JVM open. */
    static ScheduledExecutorService daemonTimer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public boolean leader() {
        return leader;
    }

    /** Reloads rules, routing, silences and active alerts (after an API change, and every second). */
    public void refresh() {
        rules.reload();
        dispatcher.reload();
        lifecycle.refresh();
    }

    private void tick() {
        long now = System.currentTimeMillis();
        try {
            if (now - lastRefresh >= 1000) {
                lastRefresh = now;
                refresh();
                evaluator.flushSeen();
            }
            leader = series.holdLock(RedisKeys.LEADER, instance.name(), config.leaderLease().toMillis());
            if (!leader) {
                return;
            }
            lifecycle.tick(now);
            dispatcher.flushDue(now);
            evaluator.absence(now);
            if (now - lastPurge >= config.purgeInterval().toMillis()) {
                lastPurge = now;
                purge.run(() -> purge(now));
            }
        } catch (RuntimeException e) {
            Log.warnf("scheduler tick failed: %s", e.getMessage());
        }
    }

    /** Retention: MongoDB's TTL indexes are not available on the embedded server, so resolved state is purged here. */
    void purge(long now) {
        long before = now - config.historyRetention().toMillis();
        long n = alerts.purgeResolvedBefore(now) + history.purgeBefore(before) + silences.purgeEndedBefore(before)
                + dead.purgeBefore(before);
        if (n > 0) {
            Log.debugf("purged %d documents past retention", n);
        }
    }
}
