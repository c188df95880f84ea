package io.vigil.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServer;
import io.vigil.testing.RedisServerResource;

/** Two claimers on one real Redis play two replicas ticking the same task: it runs once per interval, not twice. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class OncePerIntervalTest {

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    MeterRegistry meters;
    @Inject
    OncePerInterval injected;

    @Test
    void twoClaimersRunTheTaskOncePerInterval() {
        Duration interval = Duration.ofSeconds(2);
        String name = "test-purge-" + UUID.randomUUID();
        OncePerInterval.Task a = new OncePerInterval(redis, meters, "replica-a").task(name, interval);
        OncePerInterval.Task b = new OncePerInterval(redis, meters, "replica-b").task(name, interval);
        assertThat(runs(name)).as("registered at zero before the first run").isZero();

        AtomicInteger ranA = new AtomicInteger();
        AtomicInteger ranB = new AtomicInteger();
        List<String> winners = new ArrayList<>();
        int intervals = 5;
        long t0 = System.nanoTime();
        for (int i = 0; i < intervals; i++) {
            // Both replicas' timers fire at the start of each interval and race for the claim.
            waitUntil(t0 + i * interval.toNanos());
            CompletableFuture<Boolean> fromA = CompletableFuture.supplyAsync(() -> a.run(ranA::incrementAndGet));
            CompletableFuture<Boolean> fromB = CompletableFuture.supplyAsync(() -> b.run(ranB::incrementAndGet));
            boolean wonA = fromA.join();
            boolean wonB = fromB.join();
            assertThat(wonA ^ wonB).as("exactly one run in interval %d (a=%s, b=%s)", i, wonA, wonB).isTrue();
            winners.add(wonA ? "a" : "b");
            // A later tick within the same interval (a replica whose timer is out of phase) does not run it again.
            assertThat(a.run(ranA::incrementAndGet) || b.run(ranB::incrementAndGet)).isFalse();
        }
        assertThat(ranA.get() + ranB.get()).isEqualTo(intervals);
        assertThat(runs(name)).as("vigil_scheduled_runs_total of both claimers").isEqualTo(intervals);
        System.out.printf("once-per-interval: %d intervals, winners %s%n", intervals, winners);
    }

    @Test
    void theWinnerOfOneIntervalDoesNotBlockTheNext() {
        Duration interval = Duration.ofSeconds(1);
        String name = "test-purge-" + UUID.randomUUID();
        OncePerInterval.Task a = new OncePerInterval(redis, meters, "replica-a").task(name, interval);
        OncePerInterval.Task b = new OncePerInterval(redis, meters, "replica-b").task(name, interval);
        long t0 = System.nanoTime();
        assertThat(a.run(() -> { })).isTrue();
        long pttl = redis.execute("PTTL", "vigil:once:{" + name + "}").await().indefinitely().toLong();
        assertThat(pttl).as("the claim ends before the next tick").isBetween(1L, 900L);
        assertThat(b.run(() -> { })).isFalse();
        // The next tick of the same replica, one interval later, wins again: its own claim has expired. (Waited for
        // on the key, not the clock: on a loaded machine the first claim may be taken well after t0.)
        waitUntil(t0 + interval.toNanos());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (redis.execute("EXISTS", "vigil:once:{" + name + "}").await().indefinitely().toLong() == 1
                && System.nanoTime() < deadline) {
            waitUntil(System.nanoTime() + Duration.ofMillis(10).toNanos());
        }
        assertThat(a.run(() -> { })).isTrue();
        assertThat(b.run(() -> { })).isFalse();
        assertThat(runs(name)).isEqualTo(2);
    }

    @Test
    void theInjectedClaimerCountsItsRuns() {
        String name = "test-purge-" + UUID.randomUUID();
        OncePerInterval.Task task = injected.task(name, Duration.ofMinutes(10));
        assertThat(task.run(() -> { })).isTrue();
        assertThat(task.run(() -> { })).isFalse();
        assertThat(runs(name)).isEqualTo(1);
    }

    @Test
    void withRedisUnreachableTheIdempotentTaskRunsAnyway() {
        assumeFalse(RedisServerResource.clusterMode(), "kills and restarts the single redis-server");
        RedisServer server = RedisServerResource.server();
        String name = "test-purge-" + UUID.randomUUID();
        OncePerInterval.Task task = new OncePerInterval(redis, meters, "replica-a").task(name, Duration.ofMinutes(10));
        server.kill();
        try {
            AtomicInteger ran = new AtomicInteger();
            assertThat(task.run(ran::incrementAndGet)).isTrue();
            assertThat(ran.get()).isEqualTo(1);
            assertThat(runs(name)).isEqualTo(1);
        } finally {
            server.start();
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> "PONG".equals(redis.execute("PING").await().atMost(Duration.ofSeconds(2)).toString()));
    }

    private double runs(String task) {
        return meters.get("vigil.scheduled.runs").tag("task", task).counter().count();
    }

    /** Drives the clock of the simulated timers (not a wait for a result). */
    private static void waitUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }
}
