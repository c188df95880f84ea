package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.domain.Fingerprint;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.engine.Lifecycle;
import io.vigil.alert.engine.RuleSet;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.store.AlertStore;
import io.vigil.alert.store.GroupStore;
import io.vigil.alert.store.HistoryStore;
import io.vigil.alert.store.MongoDocs;
import io.vigil.alert.store.SeriesStore;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.testing.RedisServerResource;

/**
 * Nothing lost between a state change and its notification, nor performed again from a stale copy (A2), group
 * flushes claimed once under a race (A3), a resolution applied by a replica that did not see the alert fire (A4),
 * alerts of disabled rules resolve, another replica's clock is given its tolerance. Same test
 * resources as {@link LifecycleTest}: no extra application start.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RaceTest extends HookedTest {

    @Inject
    MongoDocs docs;
    @Inject
    AlertStore alerts;
    @Inject
    GroupStore groups;
    @Inject
    RuleSet rules;
    @Inject
    Dispatcher dispatcher;
    @Inject
    SeriesStore series;
    @Inject
    Lifecycle lifecycle;
    @Inject
    AlertConfig config;

    /** MongoDB failing for history writes only: the step right after the alert's state was saved. */
    static final class FailingHistory extends HistoryStore {
        volatile boolean failing;

        FailingHistory(MongoDocs docs) {
            super(docs);
        }

        @Override
        public boolean record(String id, String fingerprint, String type, long at, Map<String, Object> detail) {
            if (failing) {
                throw new IllegalStateException("history write failed (test)");
            }
            return super.record(id, fingerprint, type, at, detail);
        }
    }

    static Map<String, Object> healthRule(String id, String target) {
        return Map.of("id", id, "source", "health", "expr", "state == DOWN", "matchers", List.of("target=" + target),
                "severity", "critical");
    }

    void transition(String target, String to, Instant at) {
        xadd(Streams.HEALTH_TRANSITION, Signals.envelope("health.transition", Map.of("target", target, "group", "g",
                "from", to.equals("UP") ? "DOWN" : "UP", "to", to, "reason", "test", "checkedAt", at.toString(),
                "latencyMs", 1)));
    }

    static String state(String alertname) {
        return (String) AlertApi.one(alertname).get("state");
    }

    @Test
    void aNotificationAndItsResolutionSurviveAFailureRightAfterTheStateChange() {
        FailingHistory history = new FailingHistory(docs);
        QuarkusMock.installMockForType(history, HistoryStore.class);
        AlertApi.putRouting(AlertApi.webhookRouting(hook.url("/outbox"))).statusCode(200);
        AlertApi.putRule(healthRule("outbox-down", "outbox-t")).statusCode(201);

        history.failing = true;
        transition("outbox-t", "DOWN", Instant.now());
        Poll.until(() -> state("outbox-down"), "firing"::equals, Duration.ofSeconds(10), "firing saved");
        history.failing = false; // MongoDB back: the outbox saved with the state is drained
        hook.await(r -> r.path().equals("/outbox") && r.body().contains("\"status\":\"firing\""), 1,
                Duration.ofSeconds(10));

        history.failing = true;
        transition("outbox-t", "UP", Instant.now());
        Poll.until(() -> state("outbox-down"), "resolved"::equals, Duration.ofSeconds(10), "resolved saved");
        history.failing = false;
        hook.await(r -> r.path().equals("/outbox") && r.body().contains("\"status\":\"resolved\""), 1,
                Duration.ofSeconds(10));
        // the drain delivers and records the history step independently: the step follows shortly
        @SuppressWarnings("unchecked")
        List<Object> types = Poll.until(() -> ((List<Map<String, Object>>) AlertApi.alert(
                (String) AlertApi.one("outbox-down").get("fingerprint")).get("history")).stream()
                .map(s -> s.get("type")).toList(), t -> t.contains("resolved"), Duration.ofSeconds(10),
                "resolution in the history");
        assertThat(types).containsSubsequence("pending", "firing", "resolved");
        assertThat(hook.where(r -> r.path().equals("/outbox") && r.body().contains("\"status\":\"firing\"")))
                .hasSize(1);
    }

    @Test
    void racingFlushesOfOneGroupClaimEachFlushOnce() throws Exception {
        // groupWait of an hour: only the racers below flush; repeat 0: every flush leaves the group due again
        AlertApi.putRouting(Map.of("receivers", List.of(Map.of("name", "hook", "type", "webhook", "url",
                hook.url("/race"))), "route", Map.of("receiver", "hook", "groupBy", List.of("alertname"),
                        "groupWaitMs", 3_600_000, "groupIntervalMs", 0, "repeatIntervalMs", 0))).statusCode(200);
        Poll.until(() -> dispatcher.routing().receiver("hook"), r -> r != null && r.url().contains("/race"),
                Duration.ofSeconds(5), "routing loaded");
        long now = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            AlertInstance a = firing("external", Map.of("alertname", "race", "n", Integer.toString(i)), now);
            a.external = true; // no rule to resolve it, no endsAt: firing throughout
            assertThat(alerts.save(a)).isTrue();
            dispatcher.alertChanged(a);
        }
        long at = now + 7_200_000; // the racers' clock: past groupWait; the scheduler's flushes never see it due
        int racers = 3;
        int rounds = 15;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < racers; r++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        dispatcher.flushDue(at);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        var group = groups.due(at).stream().filter(g -> g.key.contains("alertname=race")).findFirst().orElseThrow();
        long flushes = group.seq;
        assertThat(group.pending).as("every claimed flush handed over").isEmpty();
        // only this group's notifications: flushDue also flushes groups other tests of this class left due
        List<Hook.Request> got = hook.await(r -> r.path().equals("/race")
                && r.json().path("id").asText().startsWith(group.key + "#"), (int) flushes, Duration.ofSeconds(20));
        Set<String> ids = new HashSet<>();
        for (Hook.Request r : got) {
            assertThat(ids.add(r.json().path("id").asText())).as("notification %s sent once", r.json().path("id"))
                    .isTrue();
            if (r.json().path("id").asText().equals(group.key + "#" + flushes)) {
                assertThat(r.json().path("alerts")).as("the last flush reports every alert").hasSize(3);
            }
        }
        assertThat(ids).hasSize((int) flushes);
        for (long seq = 1; seq <= flushes; seq++) {
            assertThat(ids).contains(group.key + "#" + seq);
        }
        docs.collection(MongoDocs.GROUPS).deleteOne(Filters.eq("_id", group.key)); // stop it repeating
    }

    @Test
    void aResolutionIsAppliedByAReplicaThatDidNotSeeTheAlertFire() {
        AlertApi.putRule(healthRule("split-down", "split-t")).statusCode(201);
        Rule.Compiled rule = rules.get("split-down");
        Map<String, String> labels = Lifecycle.alertLabels(rule, Map.of("target", "split-t", "group", "g"));
        long now = System.currentTimeMillis();
        AlertInstance a = firing("split-down", labels, now - 1000);
        a.fingerprint = Fingerprint.of(rule.id(), labels);
        a.ruleId = rule.id();
        assertThat(alerts.save(a)).as("fired by the other replica").isTrue();
        // the UP event reaches this replica before its once-a-second refresh of the active alerts
        transition("split-t", "UP", Instant.now());
        Poll.until(() -> alerts.get(a.fingerprint).state, AlertState.RESOLVED::equals, Duration.ofSeconds(5),
                "resolved by a replica that did not see it fire");
    }

    @Test
    void alertsOfADisabledRuleResolve() {
        Map<String, Object> rule = new LinkedHashMap<>(healthRule("dis-down", "dis-t"));
        AlertApi.putRule(rule).statusCode(201);
        transition("dis-t", "DOWN", Instant.now());
        Poll.until(() -> state("dis-down"), "firing"::equals, Duration.ofSeconds(10), "firing");
        rule.put("enabled", false);
        AlertApi.putRule(rule).statusCode(200);
        Poll.until(() -> state("dis-down"), "resolved"::equals, Duration.ofSeconds(5), "resolved once disabled");
    }

    @Test
    void aDrainedIntentIsNotWrittenBackByACopyReadBeforeItsRemoval() {
        long now = System.currentTimeMillis();
        AlertInstance a = firing("external", Map.of("alertname", "writeback"), now);
        a.external = true;
        a.outbox.add(new AlertInstance.Intent(a.fingerprint + ":1:escalated:" + now + ":2", "escalated", now, false,
                Map.of("level", 2, "receivers", List.of("nobody"))));
        assertThat(alerts.save(a)).isTrue();
        try {
            AlertInstance stale = alerts.get(a.fingerprint); // another replica's copy: the intent still in its outbox
            assertThat(alerts.removeIntent(a.fingerprint, a.outbox.get(0).id(), a.version))
                    .as("removed at the version the drainer holds").isTrue();
            stale.lastBreachAt = now + 1; // that replica's next write of the alert
            assertThat(alerts.save(stale)).as("the copy read before the removal is refused").isFalse();
            AlertInstance stored = alerts.get(a.fingerprint);
            assertThat(stored.outbox).as("the drained intent stays drained").isEmpty();
            assertThat(stored.version).isEqualTo(a.version + 1);
        } finally {
            docs.collection(MongoDocs.ALERTS).deleteOne(Filters.eq("_id", a.fingerprint));
        }
    }

    @Test
    void aBreachStampedByAReplicaWhoseClockIsBehindIsNotClearedEarly() {
        AlertApi.putRule(AlertApi.metricsRule("skew-p95", "skew1", "p95Ms > 500", 0, 0)).statusCode(201);
        Rule.Compiled rule = Poll.until(() -> rules.get("skew-p95"), r -> r != null, Duration.ofSeconds(5),
                "rule loaded");
        Map<String, String> labels = Lifecycle.alertLabels(rule, Map.of("service", "skew1", "endpoint", "/x",
                "method", "GET"));
        long now = System.currentTimeMillis();
        long stale = config.staleAfter().toMillis();
        long skew = config.clockSkewTolerance().toMillis();
        AlertInstance a = firing(rule.id(), labels, now - 60_000);
        a.fingerprint = Fingerprint.of(rule.id(), labels);
        // the last breach as stamped by the replica that saw it, its clock behind the leader's: stale by 100 ms here
        a.lastBreachAt = now - stale - 100;
        assertThat(alerts.save(a)).isTrue();
        lifecycle.refresh();
        lifecycle.tick(now, () -> true);
        assertThat(alerts.get(a.fingerprint).clearedAt).as("older than stale-after by less than the tolerance")
                .isZero();
        lifecycle.tick(now + skew, () -> true);
        assertThat(alerts.get(a.fingerprint).clearedAt).as("older than stale-after plus the tolerance").isPositive();
    }

    @Test
    void theLeaderLockIsFencedByItsToken() {
        String key = "vigil:alert:{scheduler}:test-lock";
        assertThat(series.holdLock(key, "alert-1:a", 300)).isTrue();
        assertThat(series.holdLock(key, "alert-1:b", 300)).as("same instance name, another process").isFalse();
        Poll.until(() -> series.holdLock(key, "alert-2:c", 300), ok -> ok, Duration.ofSeconds(5), "lease lapsed");
        assertThat(series.holdLock(key, "alert-1:a", 300)).as("the old holder's renewal is refused").isFalse();
    }

    static AlertInstance firing(String rule, Map<String, String> labels, long at) {
        AlertInstance a = new AlertInstance();
        a.fingerprint = Fingerprint.of(rule, labels);
        a.ruleId = rule;
        a.ruleName = rule;
        a.labels = new LinkedHashMap<>(labels);
        a.severity = "critical";
        a.state = AlertState.FIRING;
        a.episode = 1;
        a.activeAt = at;
        a.firingAt = at;
        a.escalationStartAt = at;
        a.lastBreachAt = at;
        a.lastObservedAt = at;
        return a;
    }
}
