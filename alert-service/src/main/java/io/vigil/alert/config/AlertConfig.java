package io.vigil.alert.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of alert-service ({@code vigil.alert.*}). */
@ConfigMapping(prefix = "vigil.alert")
public interface AlertConfig {

    /**
     * A JSON file with {@code rules}, {@code receivers}, {@code route}, {@code inhibitRules} and
     * {@code escalationPolicies}, loaded at start-up: rules are upserted (API changes to them survive until the next
     * start), routing replaces what is stored only when the stored one was itself loaded from a file.
     */
    Optional<String> configFile();

    /** How often the scheduler (one replica at a time) runs timers: for, keepFiringFor, groups, escalation, acks. */
    @WithDefault("250ms")
    Duration tickInterval();

    /** How long a replica holds the scheduler lock without renewing it; another replica takes over after this. */
    @WithDefault("5s")
    Duration leaderLease();

    /** A breaching series with no new observation for this long counts as cleared (traffic stopped). */
    @WithDefault("30s")
    Duration staleAfter();

    /** Which signal metrics rules read by default: {@code live} (every 250 ms) or {@code rollup} (10 s buckets). */
    @WithDefault("live")
    String defaultMetricsSignal();

    /** How long resolved alerts, their history and notification records are kept in MongoDB. */
    @WithDefault("30d")
    Duration historyRetention();

    /** How often the scheduler's replica purges what is past {@link #historyRetention()} (no TTL monitor embedded). */
    @WithDefault("60s")
    Duration purgeInterval();

    /** Flap damping: this many state changes within {@link #flapWindow()} mark an alert flapping. */
    @WithDefault("6")
    int flapTransitions();

    @WithDefault("10m")
    Duration flapWindow();

    /**
     * Longest user regex (matchers of rules, silences, routes, inhibit rules, API filters); longer ones are a 400.
     * Regexes run on RE2/J, in time linear in the label value, so the bound only caps memory and compile time.
     */
    @WithDefault("1024")
    int maxRegexLength();

    /**
     * Readiness: the timer tick or a stream consumer stuck in one pass (or a tick not run) for longer than this makes
     * {@code /q/health/ready} DOWN, naming the loop.
     */
    @WithDefault("30s")
    Duration maxEvaluationLag();

    /**
     * Timers compare times taken on different replicas (an observation's wall-clock time against the leader's):
     * decisions that clear or resolve an alert wait this much longer, so clock skew between replicas cannot resolve
     * early.
     */
    @WithDefault("1s")
    Duration clockSkewTolerance();

    Delivery delivery();

    QueueDepth queueDepth();

    interface QueueDepth {
        /**
         * How often the scheduler's replica polls queue-service's stats for {@code backlog} / {@code oldestWaitingMs}
         * rules (only while such a rule exists and {@code delivery.queue-url} is set).
         */
        @WithDefault("5s")
        Duration interval();
    }

    interface Delivery {
        /** queue-service base URL; empty = deliver directly (no durable queue). */
        Optional<String> queueUrl();

        /** API key with the writer role on queue-service (enqueue, lease, ack, nack). */
        Optional<String> queueApiKey();

        /** queue-service queue that carries notifications. */
        @WithDefault("notifications")
        String queue();

        /**
         * Attempts per notification job on queue-service (its backoff is exponential, capped at 5 min by default):
         * 15 attempts ride out a receiver outage of about 40 minutes before the job is dead-lettered.
         */
        @WithDefault("15")
        int maxAttempts();

        /** Worker threads leasing notifications on this replica. */
        @WithDefault("2")
        int workers();

        /** Long-poll wait of a lease. */
        @WithDefault("2000")
        long leaseWaitMs();

        /** Timeout of one send to a receiver. */
        @WithDefault("5s")
        Duration sendTimeout();

        /** Attempts of a notification delivered directly (queue-service down), with exponential backoff. */
        @WithDefault("8")
        int fallbackAttempts();

        @WithDefault("500ms")
        Duration fallbackBackoff();

        /** Longest backoff between direct attempts. */
        @WithDefault("30s")
        Duration fallbackBackoffCap();

        /** Consecutive queue-service failures that open the circuit (direct delivery). */
        @WithDefault("3")
        int breakerFailures();

        /** How long the circuit stays open before queue-service is tried again. */
        @WithDefault("10s")
        Duration breakerOpen();
    }
}
