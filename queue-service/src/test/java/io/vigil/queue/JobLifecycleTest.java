package io.vigil.queue;

import static io.vigil.queue.QueueApi.ack;
import static io.vigil.queue.QueueApi.as;
import static io.vigil.queue.QueueApi.createQueue;
import static io.vigil.queue.QueueApi.enqueue;
import static io.vigil.queue.QueueApi.job;
import static io.vigil.queue.QueueApi.lease;
import static io.vigil.queue.QueueApi.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vigil.common.problem.ProblemException;
import io.vigil.queue.domain.Enqueued;
import io.vigil.queue.domain.NewJob;
import io.vigil.queue.store.EnqueueGroups;
import io.vigil.queue.store.LeaseSignals;
import io.vigil.queue.store.QueueStore;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class JobLifecycleTest {

    @Inject
    QueueStore store;
    @Inject
    LeaseSignals signals;
    @Inject
    EnqueueGroups groups;
    @Inject
    Vertx vertx;
    @Inject
    RedisDataSource redis;

    @Test
    void singleEnqueuesArrivingTogetherShareOneScriptRunAndEachGetsItsOwnResult() throws Exception {
        createQueue("grouped", Map.of());
        // enqueue.lua publishes once per run, with how many jobs it made ready: one message "4" means one run.
        List<String> published = new CopyOnWriteArrayList<>();
        var subscriber = redis.pubsub(String.class).subscribe("vigil:q:{grouped}:notify", published::add);
        String[] keys = { "", "a", "", "a", "b" };
        List<CompletableFuture<Enqueued>> results = new ArrayList<>();
        try {
            // Five requests in one event-loop turn, as the HTTP requests read in one wake-up are.
            CompletableFuture<Void> submitted = new CompletableFuture<>();
            vertx.getOrCreateContext().runOnContext(x -> {
                for (String key : keys) {
                    results.add(groups.enqueue("grouped", new NewJob(key, 100, 0, 0, 0, 0, "", "{}"))
                            .subscribeAsCompletionStage());
                }
                submitted.complete(null);
            });
            submitted.get(10, TimeUnit.SECONDS);
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> published.stream().mapToInt(Integer::parseInt).sum() >= 4);
            assertThat(published).containsExactly("4");
        } finally {
            subscriber.unsubscribe();
        }
        List<Enqueued> r = results.stream().map(CompletableFuture::join).toList();
        assertThat(r).extracting(Enqueued::duplicate).containsExactly(false, false, false, true, false);
        assertThat(r.get(3).id()).isEqualTo(r.get(1).id()); // the same key in one group: the first one's job
        // Arrival order is queue order (FIFO within a priority).
        assertThat(lease("grouped", 10, 0)).extracting(j -> j.get("id"))
                .containsExactly(r.get(0).id(), r.get(1).id(), r.get(2).id(), r.get(4).id());

        // A group for a queue that does not exist fails every request in it with 404, like one request alone.
        CompletableFuture<Enqueued> unknown = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(x -> groups.enqueue("no-such-queue",
                new NewJob("", 100, 0, 0, 0, 0, "", "{}")).subscribe().with(unknown::complete,
                        unknown::completeExceptionally));
        assertThatThrownBy(() -> unknown.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ProblemException.class);
    }

    @Test
    void defaultQueuesExist() {
        as(ApiKeys.READER).get("/api/v1/queues").then().statusCode(200)
                .body("queues.name", org.hamcrest.Matchers.hasItems("notifications", "exports", "reports",
                        "maintenance"));
        as(ApiKeys.READER).get("/api/v1/queues/notifications").then().statusCode(200)
                .body("settings.maxAttempts", equalTo(5));
    }

    @Test
    void highestPriorityFirstThenFifo() {
        createQueue("prio", Map.of());
        String low = enqueue("prio", Map.of("payload", Map.of("n", "low"), "priority", "low"));
        String normal1 = enqueue("prio", Map.of("payload", Map.of("n", "normal1")));
        String normal2 = enqueue("prio", Map.of("payload", Map.of("n", "normal2"), "priority", "normal"));
        String urgent = enqueue("prio", Map.of("payload", Map.of("n", "urgent"), "priority", "urgent"));
        String five = enqueue("prio", Map.of("payload", Map.of("n", "five"), "priority", 5));
        List<Map<String, Object>> leased = lease("prio", 10, 0);
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(urgent, five, normal1, normal2, low);
        assertThat(leased.get(0).get("payload")).isEqualTo(Map.of("n", "urgent"));
        assertThat(leased.get(0).get("attempts")).isEqualTo(1);
    }

    @Test
    void delayedJobBecomesReadyAfterItsDelay() {
        createQueue("delay", Map.of());
        String id = enqueue("delay", Map.of("payload", Map.of(), "delayMs", 700));
        assertThat(job("delay", id).getString("state")).isEqualTo("delayed");
        assertThat(lease("delay", 1, 0)).isEmpty();
        List<Map<String, Object>> leased = lease("delay", 1, 5000);
        assertThat(leased).extracting(j -> j.get("id")).containsExactly(id);
    }

    @Test
    void runAtInThePastIsReadyAndInTheFutureIsDelayed() {
        createQueue("runat", Map.of());
        String past = enqueue("runat", Map.of("payload", Map.of(), "runAt", "2020-01-01T00:00:00Z"));
        String future = enqueue("runat", Map.of("payload", Map.of(), "runAt", "2999-01-01T00:00:00Z"));
        assertThat(job("runat", past).getString("state")).isEqualTo("waiting");
        assertThat(job("runat", future).getString("state")).isEqualTo("delayed");
        assertThat(job("runat", future).getString("runAt")).isEqualTo("2999-01-01T00:00:00Z");
    }

    @Test
    void exponentialBackoffIsJitteredAndDeadLetterSkipsRetries() {
        createQueue("expo", Map.of("maxAttempts", 5, "backoff", "exponential", "backoffBaseMs", 10000,
                "backoffCapMs", 60000));
        String id = enqueue("expo", Map.of("payload", Map.of()));
        Map<String, Object> leased = lease("expo", 1, 0).get(0);
        long before = System.currentTimeMillis();
        String retryAt = as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"), "error", "e"))
                .post("/api/v1/queues/expo/jobs/" + id + "/nack").then().statusCode(200)
                .body("state", equalTo("delayed")).extract().path("retryAt");
        long delay = java.time.Instant.parse(retryAt).toEpochMilli() - before;
        assertThat(delay).isBetween(4000L, 11000L); // base 10 s with equal jitter: 5..10 s

        String other = enqueue("expo", Map.of("payload", Map.of()));
        Map<String, Object> second = lease("expo", 1, 0).get(0);
        assertThat(second.get("id")).isEqualTo(other);
        as(ApiKeys.WRITER).body(Map.of("token", second.get("token"), "error", "poison", "deadLetter", true))
                .post("/api/v1/queues/expo/jobs/" + other + "/nack").then().statusCode(200)
                .body("state", equalTo("dead"));
    }

    @Test
    void idempotencyKeyReturnsTheExistingJob() {
        createQueue("idem", Map.of());
        Map<String, Object> body = Map.of("payload", Map.of("a", 1), "idempotencyKey", "order-42");
        String id = enqueue("idem", body);
        as(ApiKeys.WRITER).body(body).post("/api/v1/queues/idem/jobs").then().statusCode(200)
                .body("id", equalTo(id)).body("duplicate", equalTo(true));
        assertThat(stats("idem").getInt("depth.waiting")).isEqualTo(1);
    }

    @Test
    void ackCompletesWithResultAndASecondAckIsRefused() {
        createQueue("ack", Map.of());
        String id = enqueue("ack", Map.of("payload", Map.of("to", "x@example.com")));
        Map<String, Object> leased = lease("ack", 1, 0).get(0);
        assertThat(ack("ack", leased)).isEqualTo(200);
        var view = job("ack", id);
        assertThat(view.getString("state")).isEqualTo("completed");
        assertThat(view.getBoolean("result.ok")).isTrue();
        assertThat(view.getString("finishedAt")).isNotNull();
        as(ApiKeys.WRITER).body(Map.of("token", leased.get("token")))
                .post("/api/v1/queues/ack/jobs/" + id + "/ack").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void failedJobIsRetriedAfterBackoffThenDeadLetteredAndCanBeRetried() {
        createQueue("retry", Map.of("maxAttempts", 2, "backoff", "fixed", "backoffBaseMs", 300));
        String id = enqueue("retry", Map.of("payload", Map.of()));
        Map<String, Object> first = lease("retry", 1, 0).get(0);
        as(ApiKeys.WRITER).body(Map.of("token", first.get("token"), "error", "smtp down"))
                .post("/api/v1/queues/retry/jobs/" + id + "/nack").then().statusCode(200)
                .body("state", equalTo("delayed"));
        assertThat(lease("retry", 1, 0)).isEmpty(); // backing off
        Map<String, Object> second = lease("retry", 1, 5000).get(0);
        assertThat(second.get("attempts")).isEqualTo(2);
        as(ApiKeys.WRITER).body(Map.of("token", second.get("token"), "error", "smtp still down"))
                .post("/api/v1/queues/retry/jobs/" + id + "/nack").then().statusCode(200)
                .body("state", equalTo("dead"));
        var dead = job("retry", id);
        assertThat(dead.getString("state")).isEqualTo("dead");
        assertThat(dead.getString("lastError")).isEqualTo("smtp still down");
        as(ApiKeys.READER).get("/api/v1/queues/retry/jobs?state=dead").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(id));

        // retrying a job is a writer's action (the console shows its button to writers)
        as(ApiKeys.READER).post("/api/v1/queues/retry/jobs/" + id + "/retry").then().statusCode(403);
        as(ApiKeys.WRITER).post("/api/v1/queues/retry/jobs/" + id + "/retry").then().statusCode(200);
        Map<String, Object> again = lease("retry", 1, 0).get(0);
        assertThat(again.get("id")).isEqualTo(id);
        assertThat(again.get("attempts")).isEqualTo(1);
    }

    @Test
    void cancelledWaitingJobNeverRunsAndCancelledActiveJobsAckIsRefused() {
        createQueue("cancel", Map.of());
        String waiting = enqueue("cancel", Map.of("payload", Map.of()));
        as(ApiKeys.WRITER).post("/api/v1/queues/cancel/jobs/" + waiting + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled"));
        assertThat(lease("cancel", 5, 0)).isEmpty();

        String active = enqueue("cancel", Map.of("payload", Map.of()));
        Map<String, Object> leased = lease("cancel", 1, 0).get(0);
        as(ApiKeys.WRITER).post("/api/v1/queues/cancel/jobs/" + active + "/cancel").then().statusCode(200)
                .body("cancelRequested", equalTo(true));
        as(ApiKeys.WRITER).body(Map.of("token", leased.get("token")))
                .post("/api/v1/queues/cancel/jobs/" + active + "/extend").then().statusCode(200)
                .body("cancelRequested", equalTo(true));
        assertThat(ack("cancel", leased)).isEqualTo(409);
        assertThat(job("cancel", active).getString("state")).isEqualTo("cancelled");
        as(ApiKeys.WRITER).post("/api/v1/queues/cancel/jobs/" + active + "/cancel").then().statusCode(409);
    }

    @Test
    void expiredLeaseIsRedeliveredWithItsAttemptCountedAndTheOldTokenIsStale() {
        createQueue("stall", Map.of());
        String id = enqueue("stall", Map.of("payload", Map.of()));
        Map<String, Object> first = lease("stall", 1, 0, 300).get(0); // the worker "dies" holding it
        List<Map<String, Object>> again = lease("stall", 1, 5000);
        assertThat(again).extracting(j -> j.get("id")).containsExactly(id);
        assertThat(again.get(0).get("attempts")).isEqualTo(2);
        assertThat(ack("stall", first)).isEqualTo(409);
        as(ApiKeys.WRITER).body(Map.of("token", first.get("token"))).post("/api/v1/queues/stall/jobs/" + id + "/extend")
                .then().statusCode(409);
        assertThat(ack("stall", again.get(0))).isEqualTo(200);
        assertThat(job("stall", id).getInt("attempts")).isEqualTo(2);
    }

    @Test
    void extendKeepsTheLease() {
        createQueue("extend", Map.of());
        enqueue("extend", Map.of("payload", Map.of()));
        Map<String, Object> leased = lease("extend", 1, 0, 400).get(0);
        long firstDeadline = Instant.parse((String) leased.get("leaseDeadline")).toEpochMilli();
        String extended = as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"), "extendMs", 10000))
                .post("/api/v1/queues/extend/jobs/" + leased.get("id") + "/extend").then().statusCode(200)
                .extract().path("leaseDeadline");
        assertThat(Instant.parse(extended).toEpochMilli()).isGreaterThanOrEqualTo(firstDeadline + 9000);
        // Past the first deadline, the stalled-job check runs (here, not left to the sweeper's timing): a lease that
        // was not really extended is reclaimed every time, and then the ack is refused.
        await().until(() -> System.currentTimeMillis() > firstDeadline + 100);
        assertThat(store.reclaimExpired("extend", 100).await().atMost(Duration.ofSeconds(5))).isZero();
        assertThat(lease("extend", 1, 0)).isEmpty();
        assertThat(ack("extend", leased)).isEqualTo(200);
    }

    @Test
    void longPollLeaseIsWokenByAnEnqueueHereOrOnAnotherReplica() throws Exception {
        createQueue("poll", Map.of());
        // the test profile re-checks only every 60 s: a lease that returns within seconds was woken
        for (boolean viaThisReplica : new boolean[] {true, false}) {
            long start = System.nanoTime();
            CompletableFuture<List<Map<String, Object>>> waiting =
                    CompletableFuture.supplyAsync(() -> lease("poll", 1, 30000));
            await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting("poll") == 1);
            String id;
            if (viaThisReplica) {
                id = enqueue("poll", Map.of("payload", Map.of()));
            } else {
                // what another replica does: the script alone, whose PUBLISH on the notify channel wakes this one
                id = store.enqueue("poll", List.of(new NewJob("", 100, 0, 0, 0, 0, "", "{}")))
                        .await().atMost(Duration.ofSeconds(5)).get(0).id();
            }
            List<Map<String, Object>> leased = waiting.get(20, TimeUnit.SECONDS);
            assertThat(leased).extracting(j -> j.get("id")).containsExactly(id);
            assertThat((System.nanoTime() - start) / 1_000_000).as("woken, not polled").isLessThan(10000);
        }
    }

    @Test
    void aSettingsChangeRacingAPauseKeepsBoth() throws Exception {
        createQueue("race", Map.of());
        for (int i = 1; i <= 30; i++) {
            as(ApiKeys.ADMIN).post("/api/v1/queues/race/resume").then().statusCode(200);
            int attempts = 1 + i % 50;
            CompletableFuture<Integer> put = CompletableFuture.supplyAsync(() -> as(ApiKeys.ADMIN)
                    .body(Map.of("maxAttempts", attempts)).put("/api/v1/queues/race").statusCode());
            CompletableFuture<Integer> pause = CompletableFuture.supplyAsync(() -> as(ApiKeys.ADMIN)
                    .post("/api/v1/queues/race/pause").statusCode());
            assertThat(put.get()).isEqualTo(200);
            assertThat(pause.get()).isEqualTo(200);
            var settings = as(ApiKeys.READER).get("/api/v1/queues/race").then().statusCode(200).extract().jsonPath();
            assertThat(settings.getBoolean("settings.paused")).as("round %d", i).isTrue();
            assertThat(settings.getInt("settings.maxAttempts")).isEqualTo(attempts);
        }
    }

    @Test
    void retryOfAnIdThatIsNotAJobIdIsRefusedAndRetriesNothing() {
        createQueue("star", Map.of("maxAttempts", 1));
        String id = enqueue("star", Map.of("payload", Map.of()));
        Map<String, Object> leased = lease("star", 1, 0).get(0);
        as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"), "error", "x"))
                .post("/api/v1/queues/star/jobs/" + id + "/nack").then().statusCode(200).body("state", equalTo("dead"));
        for (String notAnId : new String[] {"*", "%2A", "a*b", "1;2"}) {
            as(ApiKeys.ADMIN).post("/api/v1/queues/star/jobs/" + notAnId + "/retry").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        assertThat(job("star", id).getString("state")).isEqualTo("dead");
        as(ApiKeys.ADMIN).post("/api/v1/queues/star/jobs/" + id + "/retry").then().statusCode(200);
        assertThat(job("star", id).getString("state")).isEqualTo("waiting");
    }

    @Test
    void batchEnqueueLeaseAndAckWithPagedListing() {
        createQueue("batch", Map.of());
        List<Map<String, Object>> jobs = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> jobs.add(Map.of("payload", Map.of("i", i))));
        List<String> ids = as(ApiKeys.WRITER).body(Map.of("jobs", jobs)).post("/api/v1/queues/batch/jobs/batch")
                .then().statusCode(200).extract().path("jobs.id");
        assertThat(ids).hasSize(5);

        var page1 = as(ApiKeys.READER).get("/api/v1/queues/batch/jobs?state=waiting&limit=2").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page1.getList("items.id", String.class)).containsExactly(ids.get(0), ids.get(1));
        var page2 = as(ApiKeys.READER).queryParam("cursor", page1.getString("nextCursor"))
                .get("/api/v1/queues/batch/jobs?state=waiting&limit=2").then().statusCode(200).extract().jsonPath();
        assertThat(page2.getList("items.id", String.class)).containsExactly(ids.get(2), ids.get(3));

        List<Map<String, Object>> leased = lease("batch", 5, 0);
        assertThat(leased).hasSize(5);
        List<Map<String, Object>> acks = leased.stream()
                .map(j -> Map.<String, Object>of("id", j.get("id"), "token", j.get("token"))).toList();
        as(ApiKeys.WRITER).body(Map.of("acks", acks)).post("/api/v1/queues/batch/ack").then().statusCode(200)
                .body("results.status", org.hamcrest.Matchers.everyItem(equalTo("ok")));
        var s = stats("batch");
        assertThat(s.getInt("depth.completed")).isEqualTo(5);
        assertThat(s.getInt("totals.enqueued")).isEqualTo(5);
    }

    @Test
    void pausedQueueLeasesNothing() {
        createQueue("paused", Map.of());
        enqueue("paused", Map.of("payload", Map.of()));
        as(ApiKeys.ADMIN).post("/api/v1/queues/paused/pause").then().statusCode(200).body("settings.paused",
                equalTo(true));
        assertThat(lease("paused", 1, 0)).isEmpty();
        as(ApiKeys.ADMIN).post("/api/v1/queues/paused/resume").then().statusCode(200);
        assertThat(lease("paused", 1, 0)).hasSize(1);
    }

    @Test
    void purgeRemovesJobsOfOneState() {
        createQueue("purge", Map.of());
        enqueue("purge", Map.of("payload", Map.of()));
        enqueue("purge", Map.of("payload", Map.of()));
        as(ApiKeys.WRITER).delete("/api/v1/queues/purge/jobs?state=waiting").then().statusCode(403);
        as(ApiKeys.ADMIN).delete("/api/v1/queues/purge/jobs?state=waiting").then().statusCode(200)
                .body("purged", equalTo(2));
        assertThat(stats("purge").getInt("depth.waiting")).isZero();
    }
}
