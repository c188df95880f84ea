package io.vigil.health.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vigil.health.check.Prober;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.CheckResult;
import io.vigil.health.domain.FleetStatus;
import io.vigil.health.domain.Observation;
import io.vigil.health.domain.State;
import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetState;
import io.vigil.health.domain.Transition;
import io.vigil.health.domain.Verdict;
import io.vigil.health.metrics.HealthMeters;
import io.vigil.health.store.ResultStore;
import io.vigil.health.store.StateStore;
import io.vigil.health.store.StateStore.Applied;
import io.vigil.health.store.StateStore.Claim;
import io.vigil.health.store.StateStore.PendingTransition;
import io.vigil.health.stream.TransitionEvents;

/**
 * Runs the checks: every tick it claims the due targets from Redis ({@code claim-due.lua}: each check of each
 * interval goes to exactly one replica), starts them without blocking (the {@link Prober}), and applies each result
 * on a small worker pool: conditions, parents, thresholds ({@code apply-result.lua}), history, and the transition,
 * published before it is acknowledged in Redis so a crash in between republishes it with the same event id.
 */
@ApplicationScoped
public class CheckScheduler {

    /** After a failed load of targets and windows from MongoDB, the next try waits this long. */
    private static final long RELOAD_RETRY_MS = 2_000;

    private final TargetRegistry registry;
    private final MaintenanceCalendar calendar;
    private final Prober prober;
    private final StateStore states;
    private final ResultStore results;
    private final TransitionEvents events;
    private final HealthMeters meters;
    private final HealthConfig config;
    private final ExecutorService workers;
    private final ScheduledExecutorService ticker;
    private final ExecutorService loader;
    private final AtomicBoolean loading = new AtomicBoolean();
    private volatile long lastReload;
    private volatile long reloadRetryAt;
    private long lastResync;
    private long lastWarning;

    public CheckScheduler(TargetRegistry registry, MaintenanceCalendar calendar, Prober prober, StateStore states,
            ResultStore results, TransitionEvents events, HealthMeters meters, HealthConfig config) {
        this.registry = registry;
        this.calendar = calendar;
        this.prober = prober;
        this.states = states;
        this.results = results;
        this.events = events;
        this.meters = meters;
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-health-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vigil-health-loader");
            t.setDaemon(true);
            return t;
        });
        this.workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "vigil-health-results-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Claims on a thread of its own: Quarkus' scheduler fires at most once a second, which would make checks up to a
     * second late (measured: median 500 ms); this loop claims every {@code schedule.tick} (100 ms).
     */
    void startTicking(@Observes StartupEvent event) {
        long tick = config.schedule().tick().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Claims and starts the due checks. Only Redis is touched here: targets and maintenance windows are loaded from
     * MongoDB on a thread of their own ({@link #reloadInBackground}), so a MongoDB outage never stops the claims;
     * checks then run on the last good copy.
     */
    void tick() {
        try {
            reloadInBackground();
            if (!registry.loaded()) {
                // Claiming before the first load would skip (and so lose for every replica) the checks of API targets.
                return;
            }
            long now = System.currentTimeMillis();
            if (now - lastResync > config.schedule().snapshotInterval().toMillis() * 5) {
                // A Redis that restarted without its data gets the schedule back within seconds.
                registry.resync();
                lastResync = now;
            }
            for (Claim claim : states.claimDue(config.schedule().claimBatch())) {
                Target target = registry.get(claim.target());
                if (target != null) {
                    meters.lateness(claim.nowMs() - claim.dueMs());
                    start(target);
                }
            }
        } catch (RuntimeException e) {
            warn("scheduling checks", e);
        } catch (Error e) {
            // A dead ticker would stop every check: log and keep the loop alive.
            Log.error("scheduling checks", e);
        }
    }

    /**
     * Reloads targets and maintenance windows from MongoDB when the config version in Redis moved, and the windows
     * periodically (another replica's window may have started), on the loader thread: one load at a time, retried
     * {@link #RELOAD_RETRY_MS} after a failure, the previous copy kept meanwhile.
     */
    private void reloadInBackground() {
        long now = System.currentTimeMillis();
        boolean due = now - lastReload > config.schedule().snapshotInterval().toMillis() * 5;
        if (now < reloadRetryAt || loading.get() || !(due || registry.changed())) {
            return;
        }
        if (!loading.compareAndSet(false, true)) {
            return;
        }
        loader.execute(() -> {
            try {
                registry.refreshIfChanged();
                calendar.reload();
                lastReload = System.currentTimeMillis();
            } catch (RuntimeException e) {
                reloadRetryAt = System.currentTimeMillis() + RELOAD_RETRY_MS;
                warn("loading targets and maintenance windows from MongoDB (the last good copy stays in use)", e);
            } finally {
                loading.set(false);
            }
        });
    }

    /** Refreshes the per-target gauges from Redis (the same on every replica). */
    @Scheduled(every = "${vigil.health.schedule.snapshot-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void snapshot() {
        if (!registry.loaded()) {
            return;
        }
        try {
            meters.update(status());
        } catch (RuntimeException e) {
            warn("refreshing the status snapshot", e);
        }
    }

    /** The status of every target, group and the fleet, read from Redis now. */
    public FleetStatus status() {
        List<Target> all = new ArrayList<>(registry.all());
        Map<String, TargetState> current = states.states(all.stream().map(Target::name).toList());
        return new FleetStatus(all, current, calendar.windows(), System.currentTimeMillis());
    }

    private void start(Target target) {
        long started = System.currentTimeMillis();
        prober.check(target).subscribe().with(
                observation -> workers.execute(() -> recordSafely(target, observation, started)),
                failure -> Log.warnf("check of %s failed: %s", target.name(), failure.getMessage()));
    }

    private void recordSafely(Target target, Observation observation, long started) {
        try {
            record(target, observation, started);
        } catch (RuntimeException e) {
            warn("recording the result of " + target.name(), e);
        }
    }

    /** Applies one result; a failing child first makes sure its parents' states are not older than its check. */
    State record(Target target, Observation observation, long started) {
        Verdict verdict = target.evaluate(observation);
        meters.checked(target.name(), observation.latencyMs(), verdict.outcome() == State.DOWN);
        boolean blocked = false;
        if (!target.dependsOn().isEmpty()) {
            for (String parentName : target.dependsOn()) {
                Target parent = registry.get(parentName);
                if (parent == null) {
                    continue;
                }
                TargetState ps = states.state(parentName);
                if (verdict.outcome() != State.UP && (ps.checkedAt() == null || ps.checkedAt() < started)) {
                    // The child failed: check the parent now, so a failing parent blocks the child (one incident)
                    // whichever of the two the schedule happened to reach first. A peek: it does not count toward
                    // the parent's thresholds, or ten failing children would make it DOWN ten times faster.
                    Observation po = prober.check(parent).await()
                            .atMost(Duration.ofMillis(parent.timeoutMs() + 5_000));
                    Verdict pv = parent.evaluate(po);
                    states.peek(parent, pv.outcome(), pv.reason(), System.currentTimeMillis(), po.latencyMs());
                    ps = states.state(parentName);
                }
                blocked |= ps.blocksChildren();
            }
        }
        long checkedAt = System.currentTimeMillis();
        boolean muted = calendar.muted(target.name(), checkedAt);
        Applied applied = states.apply(target, verdict.outcome(), verdict.reason(), checkedAt,
                observation.latencyMs(), blocked, muted);
        results.add(new CheckResult(target.name(), target.group(), checkedAt, verdict.outcome(),
                observation.latencyMs(), verdict.reason(), blocked, muted));
        if (applied.pending() != null) {
            publish(target, applied.pending());
        }
        return applied.state();
    }

    private void publish(Target target, PendingTransition p) {
        String reason = p.reason().isEmpty() ? (p.to() == State.UP ? "all conditions hold" : p.to().name()) : p.reason();
        Transition t = new Transition(target.name(), target.group(), p.from(), p.to(), reason,
                Instant.ofEpochMilli(p.checkedAt()).toString(), p.latencyMs(), target.dependsOn(),
                target.spec().labels());
        events.publish(p.eventId(), t);
        states.ackTransition(target.name(), p.seq());
        meters.transition(p.to());
        // After the acknowledgement, and buffered: a MongoDB outage neither republishes the event nor blocks here.
        results.addTransition(p.eventId(), t, p.checkedAt());
        Log.infof("%s: %s -> %s (%s)", target.name(), p.from(), p.to(), reason);
    }

    private void warn(String what, RuntimeException e) {
        long now = System.currentTimeMillis();
        if (now - lastWarning > 5_000) {
            lastWarning = now;
            Log.warnf("%s: %s", what, e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        loader.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
