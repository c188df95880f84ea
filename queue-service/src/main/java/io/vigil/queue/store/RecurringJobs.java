package io.vigil.queue.store;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.scheduler.Scheduled;
import io.vigil.common.problem.ProblemException;

/**
 * Recurring jobs from a cron expression (5-field Unix cron, UTC) or a fixed interval. Each replica looks for due
 * schedules; schedule-occurrence.lua compare-and-sets the next run, so exactly one replica enqueues an occurrence.
 */
@ApplicationScoped
public class RecurringJobs {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final RedisDataSource redis;
    private final QueueStore store;
    private final QueueRegistry registry;

    public RecurringJobs(RedisDataSource redis, QueueStore store, QueueRegistry registry) {
        this.redis = redis;
        this.store = store;
        this.registry = registry;
    }

    public record Schedule(String name, String cron, long everyMs, int priority, int maxAttempts, long timeoutMs,
            String payload, long nextRunMs, String lastJob) {
    }

    public static void validateCron(String cron) {
        try {
            CRON.parse(cron).validate();
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("cron", e.getMessage());
        }
    }

    public Schedule save(String queue, Schedule s) {
        QueueKeys k = QueueKeys.of(queue);
        long next = following(s.cron(), s.everyMs(), System.currentTimeMillis());
        redis.hash(String.class).hset(k.schedule(s.name()), Map.of("cron", s.cron() == null ? "" : s.cron(),
                "everyMs", Long.toString(s.everyMs()), "priority", Integer.toString(s.priority()),
                "maxAttempts", Integer.toString(s.maxAttempts()), "timeoutMs", Long.toString(s.timeoutMs()),
                "payload", s.payload()));
        redis.sortedSet(String.class).zadd(k.schedules(), next, s.name());
        return find(queue, s.name());
    }

    public Schedule find(String queue, String name) {
        QueueKeys k = QueueKeys.of(queue);
        Map<String, String> h = redis.hash(String.class).hgetall(k.schedule(name));
        java.util.OptionalDouble next = redis.sortedSet(String.class).zscore(k.schedules(), name);
        if (h.isEmpty() || next.isEmpty()) {
            throw ProblemException.notFound("schedule '" + name + "' does not exist on queue '" + queue + "'");
        }
        String cron = h.getOrDefault("cron", "");
        return new Schedule(name, cron.isEmpty() ? null : cron, Long.parseLong(h.getOrDefault("everyMs", "0")),
                Integer.parseInt(h.getOrDefault("priority", "100")), Integer.parseInt(h.getOrDefault("maxAttempts", "0")),
                Long.parseLong(h.getOrDefault("timeoutMs", "0")), h.get("payload"), (long) next.getAsDouble(),
                h.get("lastJob"));
    }

    public List<Schedule> list(String queue) {
        List<Schedule> out = new ArrayList<>();
        for (String name : redis.sortedSet(String.class).zrange(QueueKeys.of(queue).schedules(), 0, -1)) {
            out.add(find(queue, name));
        }
        return out;
    }

    public void delete(String queue, String name) {
        QueueKeys k = QueueKeys.of(queue);
        find(queue, name);
        redis.sortedSet(String.class).zrem(k.schedules(), name);
        redis.key().del(k.schedule(name));
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void fireDue() {
        long now = System.currentTimeMillis();
        for (String queue : registry.namesOrNone("recurring jobs check")) {
            try { // one failing queue does not stop the others' schedules
                fireDue(queue, now);
            } catch (RuntimeException e) {
                Log.debugf("recurring jobs check of %s failed: %s", queue, e.getMessage());
            }
        }
    }

    private void fireDue(String queue, long now) {
        QueueKeys k = QueueKeys.of(queue);
        List<ScoredValue<String>> due = redis.sortedSet(String.class)
                .zrangebyscoreWithScores(k.schedules(), ScoreRange.from(Double.NEGATIVE_INFINITY, now));
        for (ScoredValue<String> entry : due) {
            Map<String, String> h = redis.hash(String.class).hgetall(k.schedule(entry.value()));
            String cron = h.getOrDefault("cron", "");
            long expected = (long) entry.score();
            long following = following(cron.isEmpty() ? null : cron,
                    Long.parseLong(h.getOrDefault("everyMs", "0")), expected, now);
            String id = store.scheduleOccurrence(queue, entry.value(), expected, following)
                    .await().atMost(Duration.ofSeconds(5));
            if (id != null && !id.isEmpty()) {
                Log.debugf("schedule %s/%s enqueued job %s", queue, entry.value(), id);
            }
        }
    }

    /** The first run strictly after {@code afterMs}. */
    static long following(String cron, long everyMs, long afterMs) {
        return following(cron, everyMs, afterMs, afterMs);
    }

    /**
     * The run after {@code scheduledMs}, the occurrence just due, that is later than {@code nowMs}. Interval runs stay
     * on the grid scheduledMs + k × everyMs however late the check runs (no drift), and missed ones are skipped.
     */
    static long following(String cron, long everyMs, long scheduledMs, long nowMs) {
        if (cron != null && !cron.isEmpty()) {
            ZonedDateTime after = Instant.ofEpochMilli(Math.max(scheduledMs, nowMs)).atZone(ZoneOffset.UTC);
            return ExecutionTime.forCron(CRON.parse(cron)).nextExecution(after)
                    .map(t -> t.toInstant().toEpochMilli()).orElse(Long.MAX_VALUE / 2);
        }
        long missed = Math.max(0, nowMs - scheduledMs) / everyMs;
        return scheduledMs + (missed + 1) * everyMs;
    }
}
