package io.vigil.common.stream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vigil.common.redis.LuaScript;

/**
 * Which event ids a consumer group has handled, and which one a member is handling right now.
 * <p>
 * Handled ids live in one SET per time slice ({@code vigil.streams.dedup-slice}, 1 h) per group, each expiring one
 * dedup window ({@code dedup-ttl}, 24 h) after its slice ends; a lookup checks every slice of the window. So memory is
 * bounded by (events per second) × (window + one slice), at about half the bytes of one key per id, and the keyspace
 * holds 25 keys per group instead of millions. Before its handler runs, a member takes a claim ({@code SET NX} with
 * {@code claim-ttl}, 60 s): a copy of the same event at another member waits instead of running too; a failed handler
 * releases the claim, and a claim left by a crashed member expires after the short TTL, never blocking the event for
 * the whole window. All keys of one group share the hash tag {@code {group}}.
 */
final class EventDedup {

    enum Claim {
        /** Handled before: acknowledge the entry and do nothing. */
        HANDLED,
        /** This member may run the handler now. */
        CLAIMED,
        /** Another member is handling a copy; leave the entry pending (it comes back if that member fails). */
        BUSY
    }

    private static final LuaScript CLAIM = LuaScript.load("vigil-lua/dedup_claim.lua");
    private static final LuaScript HANDLED = LuaScript.load("vigil-lua/dedup_handled.lua");
    private static final LuaScript RELEASE = LuaScript.load("vigil-lua/dedup_release.lua");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ReactiveRedisDataSource redis;
    private final String group;
    private final long windowMs;
    private final long sliceMs;
    private final long claimTtlMs;
    /** Unique per member object: a restarted pod with the same name does not inherit a dead process's claims. */
    private final String owner = UUID.randomUUID().toString();

    EventDedup(ReactiveRedisDataSource redis, String group, Duration window, Duration slice, Duration claimTtl) {
        this.redis = redis;
        this.group = group;
        this.windowMs = window.toMillis();
        this.sliceMs = Math.max(1000, Math.min(slice.toMillis(), windowMs));
        this.claimTtlMs = claimTtl.toMillis();
    }

    Claim claim(String eventId) {
        long now = System.currentTimeMillis();
        List<String> keys = new ArrayList<>();
        keys.add(claimKey(eventId));
        keys.add(legacyKey(eventId));
        long current = Math.floorDiv(now, sliceMs);
        long oldest = Math.floorDiv(now - windowMs, sliceMs);
        for (long slice = current; slice >= oldest; slice--) {
            keys.add(sliceKey(slice));
        }
        long reply = CLAIM.run(redis, keys, List.of(member(eventId), owner, Long.toString(claimTtlMs)))
                .await().atMost(TIMEOUT).toLong();
        return reply == 0 ? Claim.HANDLED : reply == 1 ? Claim.CLAIMED : Claim.BUSY;
    }

    void handled(String eventId) {
        long now = System.currentTimeMillis();
        long slice = Math.floorDiv(now, sliceMs);
        long expireAt = (slice + 1) * sliceMs + windowMs;
        HANDLED.run(redis, List.of(sliceKey(slice), claimKey(eventId)),
                List.of(member(eventId), Long.toString(expireAt), owner)).await().atMost(TIMEOUT);
    }

    void release(String eventId) {
        RELEASE.run(redis, List.of(claimKey(eventId)), List.of(owner)).await().atMost(TIMEOUT);
    }

    /**
     * How an id is stored in a slice SET: a UUID (every envelope id of {@code EventEnvelope.create}) as its 16 bytes in
     * URL-safe base64 (22 characters instead of 36: about 16 bytes less per id in Redis); any other id as itself behind
     * a {@code =}, which base64 never contains, so the two kinds cannot collide.
     */
    static String member(String eventId) {
        if (eventId.length() == 36) {
            try {
                UUID uuid = UUID.fromString(eventId);
                if (uuid.toString().equalsIgnoreCase(eventId)) {
                    ByteBuffer bytes = ByteBuffer.allocate(16);
                    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
                    return B64.encodeToString(bytes.array());
                }
            } catch (IllegalArgumentException notAUuid) {
                // stored as itself
            }
        }
        return "=" + eventId;
    }

    /** SET of the ids handled during one slice ({@code slice} = epoch ms / slice length). */
    String sliceKey(long slice) {
        return "vigil:handled:{" + group + "}:slice:" + slice;
    }

    String claimKey(String eventId) {
        return "vigil:handled:{" + group + "}:claim:" + eventId;
    }

    private String legacyKey(String eventId) {
        return "vigil:handled:{" + group + "}:" + eventId;
    }
}
