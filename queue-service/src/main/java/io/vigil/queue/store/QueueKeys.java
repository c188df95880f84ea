package io.vigil.queue.store;

import java.util.List;

/**
 * The Redis layout of one queue, in one place. Every key shares the hash tag {@code {name}} so each script touches
 * one slot (Redis Cluster). See README.md for types and TTLs.
 */
public record QueueKeys(String queue, String prefix) {

    /** Set of all queue names (the only key outside a queue's slot; never used inside a script). */
    public static final String REGISTRY = "vigil:queues";

    public static QueueKeys of(String queue) {
        return new QueueKeys(queue, "vigil:q:{" + queue + "}:");
    }

    public String meta() { return prefix + "meta"; }
    public String seq() { return prefix + "seq"; }
    public String waiting() { return prefix + "wait"; }
    public String waitAge() { return prefix + "waitage"; }
    public String delayed() { return prefix + "delayed"; }
    public String active() { return prefix + "active"; }
    public String completed() { return prefix + "completed"; }
    public String dead() { return prefix + "dead"; }
    public String cancelled() { return prefix + "cancelled"; }
    public String outbox() { return prefix + "outbox"; }
    /** Lock held by the one replica draining this queue's outbox. */
    public String drainLock() { return prefix + "drain"; }
    public String stats() { return prefix + "stats"; }
    public String limiter() { return prefix + "limiter"; }
    /** Ready jobs of one group (BullMQ Pro-style groups; the group's token stands for them in the wait set). */
    public String groupWaiting(String group) { return prefix + "gwait:" + group; }
    /** Tokens of rate-limited groups by the end of their window. */
    public String groupsLimited() { return prefix + "glimited"; }
    /** Outbox records the archive refused, for an admin to see and retry. */
    public String parked() { return prefix + "parked"; }
    public String schedules() { return prefix + "schedules"; }
    public String schedule(String name) { return prefix + "schedule:" + name; }
    public String job(String id) { return prefix + "job:" + id; }

    /** Every fixed key of the queue (job, idempotency, group and schedule keys are found by SCAN). */
    public List<String> fixedKeys() {
        return List.of(meta(), seq(), waiting(), waitAge(), delayed(), active(), completed(), dead(), cancelled(),
                outbox(), stats(), limiter(), schedules(), groupsLimited(), parked());
    }

    public String stateSet(io.vigil.queue.domain.JobState state) {
        return switch (state) {
            case WAITING -> waiting();
            case DELAYED -> delayed();
            case ACTIVE -> active();
            case COMPLETED -> completed();
            case DEAD -> dead();
            case CANCELLED -> cancelled();
        };
    }
}
