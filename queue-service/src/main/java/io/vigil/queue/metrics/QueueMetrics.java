package io.vigil.queue.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vigil.queue.domain.QueueCounts;
import io.vigil.queue.store.QueueRegistry;
import io.vigil.queue.store.QueueStore;

/**
 * Per-queue metrics, all tagged {@code queue}: depth by state and oldest waiting age (gauges refreshed from Redis),
 * job outcomes (counters), wait and run time (timers with percentiles, plus HdrHistograms for the stats endpoint).
 * Rates come from Redis' cluster-wide counters sampled over the last minute.
 */
@ApplicationScoped
public class QueueMetrics {

    private static final long WINDOW_MS = 60_000;
    private static final long HISTOGRAM_WINDOW_MS = 300_000;

    private final MeterRegistry registry;
    private final QueueStore store;
    private final QueueRegistry queues;
    private final Map<String, PerQueue> perQueue = new ConcurrentHashMap<>();

    public QueueMetrics(MeterRegistry registry, QueueStore store, QueueRegistry queues) {
        this.registry = registry;
        this.store = store;
        this.queues = queues;
    }

    public void enqueued(String queue, int n) {
        of(queue).enqueued.increment(n);
    }

    /** Records a finished attempt from the outbox: outcome completed, failed or dead. */
    public void outcome(String queue, String outcome, long waitMs, long runMs) {
        PerQueue q = of(queue);
        switch (outcome) {
            case "completed" -> {
                q.completed.increment();
                q.wait.record(waitMs, TimeUnit.MILLISECONDS);
                q.run.record(runMs, TimeUnit.MILLISECONDS);
                q.record(waitMs, runMs);
            }
            case "failed" -> {
                q.failed.increment();
                q.run.record(runMs, TimeUnit.MILLISECONDS);
            }
            case "dead" -> q.dead.increment();
            default -> { }
        }
    }

    /** Outbox records of a queue the archive refused and the drainer parked. */
    public void parked(String queue, int n) {
        of(queue).parked.increment(n);
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        Set<String> names = queues.namesOrNone("queue metrics refresh");
        if (names.isEmpty()) {
            return; // Redis down: keep the last values rather than forget every queue
        }
        for (String queue : names) {
            try { // one failing queue does not stop the others' gauges
                QueueCounts counts = store.counts(queue).await().atMost(java.time.Duration.ofSeconds(2));
                of(queue).sample(counts);
            } catch (RuntimeException e) {
                Log.debugf("queue metrics refresh of %s failed: %s", queue, e.getMessage());
            }
        }
        // a deleted queue (by this replica or another) stops exporting its last values
        for (String queue : perQueue.keySet()) {
            if (!names.contains(queue)) {
                forget(queue);
            }
        }
    }

    /** Removes every meter of a queue (it was deleted). */
    public void forget(String queue) {
        PerQueue q = perQueue.remove(queue);
        if (q != null) {
            q.meters.forEach(registry::remove);
        }
    }

    /** Latest counts, per-second rates over the last minute (enqueue, complete, fail) and percentiles. */
    public Snapshot snapshot(String queue, QueueCounts now) {
        PerQueue q = of(queue);
        q.sample(now);
        return q.snapshot();
    }

    private PerQueue of(String queue) {
        return perQueue.computeIfAbsent(queue, q -> new PerQueue(registry, q));
    }

    public record Percentiles(long count, double p50, double p95, double p99, double max) {
        static Percentiles of(Histogram h) {
            return new Percentiles(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                    h.getValueAtPercentile(99), h.getMaxValue());
        }
    }

    public record Snapshot(double enqueuePerSecond, double completePerSecond, double failPerSecond,
            Percentiles waitMs, Percentiles runMs) {
    }

    private static final class PerQueue {
        final Counter enqueued;
        final Counter completed;
        final Counter failed;
        final Counter dead;
        final Counter parked;
        final List<Meter> meters = new ArrayList<>();
        final Timer wait;
        final Timer run;
        final Deque<QueueCounts> samples = new ArrayDeque<>();
        volatile QueueCounts last;
        Histogram waitHist = new ConcurrentHistogram(3_600_000L * 24, 2);
        Histogram runHist = new ConcurrentHistogram(3_600_000L * 24, 2);
        long histogramStart = System.currentTimeMillis();

        PerQueue(MeterRegistry registry, String queue) {
            enqueued = counter(registry, queue, "enqueued");
            completed = counter(registry, queue, "completed");
            failed = counter(registry, queue, "failed");
            dead = counter(registry, queue, "dead");
            parked = Counter.builder("vigil.queue.outbox.parked")
                    .description("Outbox records the archive refused, parked for an admin").tag("queue", queue)
                    .register(registry);
            wait = Timer.builder("vigil.queue.wait").description("Time from ready to leased, per attempt")
                    .tag("queue", queue).publishPercentiles(0.5, 0.95, 0.99).register(registry);
            run = Timer.builder("vigil.queue.run").description("Time from leased to ack or nack")
                    .tag("queue", queue).publishPercentiles(0.5, 0.95, 0.99).register(registry);
            for (String state : new String[] {"waiting", "delayed", "active", "completed", "dead", "cancelled"}) {
                meters.add(Gauge.builder("vigil.queue.depth", this, q -> q.depth(state)).description("Jobs per state")
                        .tag("queue", queue).tag("state", state).register(registry));
            }
            meters.add(Gauge.builder("vigil.queue.oldest.waiting", this,
                    q -> q.last == null ? 0 : q.last.oldestWaitingAgeMs() / 1000.0)
                    .baseUnit("seconds").description("Age of the oldest ready job").tag("queue", queue)
                    .register(registry));
            meters.addAll(List.of(enqueued, completed, failed, dead, parked, wait, run));
        }

        private static Counter counter(MeterRegistry registry, String queue, String outcome) {
            return Counter.builder("vigil.queue.jobs").description("Jobs by outcome").tag("queue", queue)
                    .tag("outcome", outcome).register(registry);
        }

        double depth(String state) {
            QueueCounts c = last;
            if (c == null) {
                return 0;
            }
            return switch (state) {
                case "waiting" -> c.waiting();
                case "delayed" -> c.delayed();
                case "active" -> c.active();
                case "completed" -> c.completed();
                case "dead" -> c.dead();
                default -> c.cancelled();
            };
        }

        synchronized void record(long waitMs, long runMs) {
            long now = System.currentTimeMillis();
            if (now - histogramStart > HISTOGRAM_WINDOW_MS) {
                // a fresh window keeps the percentiles about recent jobs
                waitHist = new ConcurrentHistogram(3_600_000L * 24, 2);
                runHist = new ConcurrentHistogram(3_600_000L * 24, 2);
                histogramStart = now;
            }
            waitHist.recordValue(Math.max(0, Math.min(waitMs, 3_600_000L * 24)));
            runHist.recordValue(Math.max(0, Math.min(runMs, 3_600_000L * 24)));
        }

        synchronized void sample(QueueCounts counts) {
            last = counts;
            samples.addLast(counts);
            while (samples.size() > 2 && counts.nowMs() - samples.peekFirst().nowMs() > WINDOW_MS) {
                samples.removeFirst();
            }
        }

        synchronized Snapshot snapshot() {
            QueueCounts first = samples.peekFirst();
            QueueCounts latest = samples.peekLast();
            double seconds = first == null ? 0 : (latest.nowMs() - first.nowMs()) / 1000.0;
            double enq = 0, done = 0, fail = 0;
            if (seconds > 0) {
                enq = (latest.enqueuedTotal() - first.enqueuedTotal()) / seconds;
                done = (latest.completedTotal() - first.completedTotal()) / seconds;
                fail = (latest.failedTotal() - first.failedTotal()) / seconds;
            }
            return new Snapshot(enq, done, fail, Percentiles.of(waitHist), Percentiles.of(runHist));
        }
    }
}
