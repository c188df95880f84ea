package io.vigil.health.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.LuaScript;
import io.vigil.common.redis.Pipelines;
import io.vigil.common.redis.RedisHashes;
import io.vigil.health.domain.State;
import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetState;

/** The schedule and the current state of every target, in Redis (layout in {@link RedisKeys}). */
@ApplicationScoped
public class StateStore {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final LuaScript CLAIM_DUE = LuaScript.load("lua/claim-due.lua");
    private static final LuaScript SYNC_SCHEDULE = LuaScript.load("lua/sync-schedule.lua");
    private static final LuaScript APPLY_RESULT = LuaScript.load("lua/apply-result.lua");
    private static final LuaScript ACK_TRANSITION = LuaScript.load("lua/ack-transition.lua");
    /** How long a replica may take to publish a transition before another one publishes it instead. */
    private static final long PUBLISH_LEASE_MS = 10_000;
    public static final long HOUR_MS = 3_600_000;

    private final ReactiveRedisDataSource reactive;
    private final RedisDataSource redis;

    public StateStore(ReactiveRedisDataSource reactive, RedisDataSource redis) {
        this.reactive = reactive;
        this.redis = redis;
    }

    /** A claimed check: the target and when it was due (epoch ms), with Redis' time of the claim. */
    public record Claim(String target, long dueMs, long nowMs) {
    }

    public List<Claim> claimDue(int limit) {
        Response r = CLAIM_DUE.run(reactive, List.of(RedisKeys.DUE, RedisKeys.INTERVALS), List.of(Integer.toString(limit)))
                .await().atMost(TIMEOUT);
        long now = r.get(0).toLong();
        List<Claim> out = new ArrayList<>(r.size() / 2);
        for (int i = 1; i + 1 < r.size(); i += 2) {
            out.add(new Claim(r.get(i).toString(), (long) Double.parseDouble(r.get(i + 1).toString()), now));
        }
        return out;
    }

    /** Puts the targets on the schedule (new ones first due at a random point of their first interval). */
    public int syncSchedule(List<Target> targets) {
        if (targets.isEmpty()) {
            return 0;
        }
        List<String> args = new ArrayList<>(targets.size() * 3);
        for (Target t : targets) {
            args.add(t.name());
            args.add(Long.toString(t.intervalMs()));
            args.add(Long.toString((long) (Math.random() * Math.min(t.intervalMs(), 10_000))));
        }
        return SYNC_SCHEDULE.run(reactive, List.of(RedisKeys.DUE, RedisKeys.INTERVALS), args).await().atMost(TIMEOUT)
                .toInteger();
    }

    /** Takes a deleted target off the schedule and forgets its state. */
    public void remove(String name) {
        redis.sortedSet(String.class).zrem(RedisKeys.DUE, name);
        redis.hash(String.class).hdel(RedisKeys.INTERVALS, name);
        redis.key().del(RedisKeys.state(name), RedisKeys.hours(name), RedisKeys.recent(name));
    }

    /** What {@code apply-result.lua} decided: the new state and, if any, a transition to publish. */
    public record Applied(State state, PendingTransition pending) {
    }

    public record PendingTransition(String eventId, long seq, State from, State to, String reason, long checkedAt,
            long latencyMs) {
    }

    public Applied apply(Target target, State outcome, String reason, long checkedAt, long latencyMs, boolean blocked,
            boolean muted) {
        return apply(target, outcome, reason, checkedAt, latencyMs, blocked, muted, false);
    }

    /**
     * Records a parent's early check made for a failing child: what it saw blocks the children, but it counts
     * neither toward the parent's thresholds nor its uptime (see {@code apply-result.lua}, ARGV[12]).
     */
    public void peek(Target target, State outcome, String reason, long checkedAt, long latencyMs) {
        apply(target, outcome, reason, checkedAt, latencyMs, false, false, true);
    }

    private Applied apply(Target target, State outcome, String reason, long checkedAt, long latencyMs,
            boolean blocked, boolean muted, boolean peek) {
        long hour = checkedAt - checkedAt % HOUR_MS;
        Response r = APPLY_RESULT.run(reactive, List.of(RedisKeys.state(target.name()), RedisKeys.hours(target.name()),
                RedisKeys.recent(target.name())), List.of(outcome.name(),
                Integer.toString(target.spec().failureThreshold()), Integer.toString(target.spec().successThreshold()),
                reason == null ? "" : reason, Long.toString(checkedAt), Long.toString(latencyMs), blocked ? "1" : "0",
                muted ? "1" : "0", UUID.randomUUID().toString(), Long.toString(PUBLISH_LEASE_MS), Long.toString(hour), peek ? "1" : "0"))
                .await().atMost(TIMEOUT);
        State state = State.valueOf(r.get(0).toString());
        String seq = r.get(2).toString();
        if (seq.isEmpty()) {
            return new Applied(state, null);
        }
        String epoch = r.get(1).toString();
        // Same epoch and sequence → same event id, so a republished transition is dropped by consumers.
        String id = UUID.nameUUIDFromBytes((target.name() + "/" + epoch + "/" + seq).getBytes()).toString();
        return new Applied(state, new PendingTransition(id, Long.parseLong(seq), State.valueOf(r.get(3).toString()),
                State.valueOf(r.get(4).toString()), r.get(5).toString(), Long.parseLong(r.get(6).toString()),
                Long.parseLong(r.get(7).toString())));
    }

    public void ackTransition(String target, long seq) {
        ACK_TRANSITION.run(reactive, List.of(RedisKeys.state(target)), List.of(Long.toString(seq))).await().atMost(TIMEOUT);
    }

    public TargetState state(String name) {
        return TargetState.fromHash(name, redis.hash(String.class).hgetall(RedisKeys.state(name)));
    }

    /** The states of the named targets, pipelined (on Redis Cluster one pipeline per slot: each target has its own tag). */
    public Map<String, TargetState> states(List<String> names) {
        Map<String, TargetState> out = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        List<Request> requests = new ArrayList<>(names.size());
        for (String name : names) {
            requests.add(Request.cmd(Command.HGETALL).arg(RedisKeys.state(name)));
        }
        List<Response> responses = Pipelines.run(reactive.getRedis(), requests, TIMEOUT);
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), TargetState.fromHash(names.get(i), RedisHashes.toMap(responses.get(i))));
        }
        return out;
    }

    /** What the status page draws per target: hour fields of the last 25 h and the latest latencies, oldest first. */
    public record Recent(Map<String, String> hours, List<Long> latencies) {
    }

    /** The page data of the named targets, pipelined like {@link #states}. */
    public Map<String, Recent> recent(List<String> names) {
        Map<String, Recent> out = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        List<Request> requests = new ArrayList<>(names.size() * 2);
        for (String name : names) {
            requests.add(Request.cmd(Command.HGETALL).arg(RedisKeys.hours(name)));
            requests.add(Request.cmd(Command.LRANGE).arg(RedisKeys.recent(name)).arg(0).arg(-1));
        }
        List<Response> responses = Pipelines.run(reactive.getRedis(), requests, TIMEOUT);
        for (int i = 0; i < names.size(); i++) {
            Response list = responses.get(2 * i + 1);
            List<Long> latencies = new ArrayList<>(list == null ? 0 : list.size());
            if (list != null) {
                for (int j = list.size() - 1; j >= 0; j--) {
                    latencies.add(list.get(j).toLong());
                }
            }
            out.put(names.get(i), new Recent(RedisHashes.toMap(responses.get(2 * i)), latencies));
        }
        return out;
    }

    public long configVersion() {
        String v = redis.value(String.class).get(RedisKeys.CONFIG_VERSION);
        return v == null ? 0 : Long.parseLong(v);
    }

    public void bumpConfigVersion() {
        redis.value(String.class).incr(RedisKeys.CONFIG_VERSION);
    }
}
