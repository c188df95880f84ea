package io.vigil.common.schedule;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vigil.common.stream.Instance;

/**
 * Runs a periodic task on one replica per interval: every replica keeps its own {@code @Scheduled} timer, and each
 * tick first claims the run with {@code SET vigil:once:{task} <replica token> NX PX <interval minus a margin>}; only
 * the replica whose SET succeeded runs the task. The claim expires just before the next tick, so the winner of one
 * interval never blocks the next (whichever replica ticks first then wins). One key, one slot: fine on Redis Cluster.
 * <p>
 * Meant for idempotent work such as retention purges (a second run deletes nothing): when Redis cannot be reached the
 * task runs anyway, because skipping it for the length of an outage would let expired data pile up, while N replicas
 * running the same delete for a while only costs N identical queries.
 * <p>
 * {@code vigil_scheduled_runs_total{task}} counts the runs this replica did; summed over the replicas it is the number
 * of runs of the fleet (one per interval).
 */
@ApplicationScoped
public class OncePerInterval {

    private static final Duration MAX_MARGIN = Duration.ofSeconds(2);
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(5);

    private final ReactiveRedisDataSource redis;
    private final MeterRegistry meters;
    private final String token;
    private long lastWarning;

    @Inject
    public OncePerInterval(ReactiveRedisDataSource redis, MeterRegistry meters, Instance instance) {
        // Unique per process: a restarted pod with the same name is another claimer.
        this(redis, meters, instance.name() + "/" + UUID.randomUUID());
    }

    /** A claimer with an explicit token (tests use two in one JVM to play two replicas). */
    public OncePerInterval(ReactiveRedisDataSource redis, MeterRegistry meters, String token) {
        this.redis = redis;
        this.meters = meters;
        this.token = token;
    }

    /** The named task run at most once per {@code interval} across replicas; registers its counter at zero. */
    public Task task(String name, Duration interval) {
        return new Task(name, interval);
    }

    /** How long a claim is held: the interval minus a margin for timer jitter (a tenth, at most 2 s). */
    static Duration claimFor(Duration interval) {
        Duration margin = interval.dividedBy(10);
        return interval.minus(margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin);
    }

    /** One periodic task. */
    public final class Task {

        private final String name;
        private final String key;
        private final long claimMs;
        private final Counter runs;

        private Task(String name, Duration interval) {
            this.name = name;
            this.key = "vigil:once:{" + name + "}";
            this.claimMs = Math.max(1, claimFor(interval).toMillis());
            this.runs = Counter.builder("vigil.scheduled.runs")
                    .description("Runs of a once-per-interval task (e.g. a retention purge) done by this replica")
                    .tag("task", name).register(meters);
        }

        public String name() {
            return name;
        }

        /** Runs {@code work} if this replica wins this interval's claim; returns whether it ran here. */
        public boolean run(Runnable work) {
            if (!claim()) {
                return false;
            }
            try {
                work.run();
            } finally {
                runs.increment();
            }
            return true;
        }

        private boolean claim() {
            try {
                return redis.execute("SET", key, token, "NX", "PX", Long.toString(claimMs))
                        .await().atMost(CLAIM_TIMEOUT) != null;
            } catch (RuntimeException e) {
                long now = System.currentTimeMillis();
                if (now - lastWarning > 60_000) {
                    lastWarning = now;
                    Log.warnf("could not claim %s in Redis, running it here anyway (idempotent): %s", name,
                            e.getMessage());
                }
                return true;
            }
        }
    }
}
