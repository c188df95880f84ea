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
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.engine.Lifecycle;
import io.vigil.alert.engine.Progress;
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
    private final Progress progress;
    private final ScheduledExecutorService timer = daemonTimer("alert-scheduler");
    /** Renews the leader lock on its own thread, so a slow tick cannot let the lease lapse unnoticed. */
    private final ScheduledExecutorService lock = daemonTimer("alert-leader-lock");
    /** This process's fencing token for the leader lock. */
    private final String token;
    /** Until when (System.nanoTime) this process surely holds the lock: lease counted from before the renewal call. */
    private volatile long leaseValidUntil;
    private long lastRefresh;
    private long lastPurge;
    private long lastDrain;

    public Scheduler(AlertConfig config, ConfigFileLoader loader, RuleSet rules, Lifecycle lifecycle,
            Dispatcher dispatcher, Evaluator evaluator, SignalReader reader, SeriesStore series, AlertStore alerts,
            HistoryStore history, GroupStore groups, SilenceStore silences, DeadLetterStore dead, Instance instance,
            OncePerInterval once, Progress progress) {
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
        this.progress = progress;
        this.token = instance.name() + ":" + java.util.UUID.randomUUID();
        this.purge = once.task("alert-retention-purge", config.purgeInterval());
    }

    void start(@Observes StartupEvent ignored) {
        Matcher.maxPatternLength(config.maxRegexLength());
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
        long lease = config.leaderLease().toMillis();
        lock.scheduleWithFixedDelay(this::renewLock, 0, Math.max(50, lease / 4), TimeUnit.MILLISECONDS);
        long every = config.tickInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> progress.run("timer tick", true, this::tick), every, every,
                TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        lock.shutdownNow();
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

    /**
     * Whether this process holds the leader lock now. Checked before each timer phase (and between alerts), so a tick
     * that ran longer than the lease stops acting once another replica may have taken over. Local clock only: the
     * lease is counted from before the renewal was sent, less a margin.
     */
    public boolean leader() {
        return System.nanoTime() - leaseValidUntil < 0;
    }

    private void renewLock() {
        long lease = config.leaderLease().toMillis();
        long sent = System.nanoTime();
        try {
            if (series.holdLock(RedisKeys.LEADER, token, lease)) {
                leaseValidUntil = sent + TimeUnit.MILLISECONDS.toNanos(lease - Math.min(lease / 4, 1000));
            } else {
                leaseValidUntil = sent;
            }
        } catch (RuntimeException e) {
            Log.debugf("leader lock not renewed: %s", e.getMessage());
        }
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
            if (!leader()) {
                return;
            }
            lifecycle.tick(now, this::leader);
            if (!leader()) {
                return;
            }
            dispatcher.flushDue(now);
            evaluator.absence(now);
            if (now - lastDrain >= 1000 && leader()) {
                lastDrain = now;
                lifecycle.drainOutboxes();
                dispatcher.drainPending();
            }
            if (now - lastPurge >= config.purgeInterval().toMillis() && leader()) {
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
