package io.vigil.cache.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.StreamIds;
import io.vigil.cache.l1.L1Cache;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.store.CacheKeys;
import io.vigil.cache.store.NamespaceRegistry;
import io.vigil.cache.store.Scripts;
import io.vigil.cache.store.Scripts.Script;
import io.vigil.common.redis.RedisMode;

/**
 * Applies every namespace's invalidation stream to this replica's L1. Every replica must see every invalidation, so
 * this is not a consumer group (which would hand each entry to one member): each replica keeps its own position per
 * stream. Each read ({@code read.lua}) returns the entries after that position together with the stream's counters,
 * so a gap is noticed on every read, connected or not: when entries after the position are gone (trimmed past it,
 * or the stream was lost), the namespace's L1 is cleared. Between reads it waits in one {@code XREAD BLOCK} (on
 * Redis Cluster it polls, see {@link #awaitMore()}). Any failure or stall (no answer within the block plus
 * {@code vigil.cache.redis-timeout}) disconnects it: L1 is bypassed until it reads again.
 */
@ApplicationScoped
public class InvalidationReader {

    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    /** On Redis Cluster, how long the reader waits before polling the streams again after finding nothing. */
    static final Duration CLUSTER_POLL = Duration.ofMillis(50);
    private static final int BATCH = 1000;

    private final Scripts scripts;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final NamespaceRegistry registry;
    private final L1Cache l1;
    private final CacheMetrics metrics;
    private final CacheServiceConfig config;
    private final Map<String, String> positions = new ConcurrentHashMap<>();
    /** Per namespace, how many entries the stream had ever received up to our position (XINFO entries-added). */
    private final Map<String, Long> indexes = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile boolean connected;
    private volatile long resyncs;
    private volatile long clears;
    private Thread thread;

    public InvalidationReader(ReactiveRedisDataSource redis, Scripts scripts, NamespaceRegistry registry, L1Cache l1,
            CacheMetrics metrics, CacheServiceConfig config) {
        this.scripts = scripts;
        this.streams = redis.stream(String.class);
        this.registry = registry;
        this.l1 = l1;
        this.metrics = metrics;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) {
        running = true;
        thread = new Thread(this::run, "cache-invalidations");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ev) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Whether the reader is reading: while it is not, L1 may miss invalidations and is bypassed. */
    public boolean connected() {
        return connected;
    }

    public Map<String, String> positions() {
        return Map.copyOf(positions);
    }

    public long resyncs() {
        return resyncs;
    }

    public long clears() {
        return clears;
    }

    private void run() {
        boolean synced = false;
        while (running) {
            try {
                if (!synced) {
                    resyncs++;
                    // reads that were in flight when the connection broke must not fill L1: new epochs
                    positions.keySet().forEach(ns -> l1.track(ns, true));
                    synced = true;
                }
                trackNew();
                if (positions.isEmpty()) {
                    connected = true; // no stream to follow, so none to miss
                    pause(config.invalidationBlock());
                    continue;
                }
                boolean found = false;
                for (String ns : positions.keySet()) {
                    found |= readStream(ns);
                }
                // only now: Redis answered and every stream was read (gaps checked). Set before the reads, it turned
                // true for one redis-timeout after every retry pause while Redis was still stalled, so L1 answered
                // as coherent and /coherence said connected with Redis unreachable
                connected = true;
                if (!found) {
                    awaitMore();
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (connected) {
                    Log.warnf("invalidation stream read failed (%s): L1 bypassed until resynchronised", e);
                }
                else {
                    Log.debugf(e, "invalidation reader still failing");
                }
                connected = false;
                synced = false;
                pause(RETRY_PAUSE);
            }
        }
    }

    /**
     * Waits until some stream has entries after this replica's position. One Redis: one {@code XREAD BLOCK COUNT 1}
     * over all streams, only to wake up (the entries are then read by {@link #readStream}, which checks for gaps). A
     * stall longer than the block plus {@code redis-timeout} counts as a failure: L1 is bypassed until it ends.
     * Redis Cluster: the streams of different namespaces live in different slots, so one XREAD cannot name them all
     * (CROSSSLOT), and a blocking read per stream would hold a pooled connection of every node (see vigil-common's
     * StreamGroupReader); the reader polls every {@link #CLUSTER_POLL} instead, which bounds the added delay.
     */
    private void awaitMore() {
        if (RedisMode.cluster()) {
            pause(config.invalidationBlock().compareTo(CLUSTER_POLL) < 0 ? config.invalidationBlock() : CLUSTER_POLL);
            return;
        }
        Map<String, String> from = new HashMap<>();
        positions.forEach((ns, id) -> from.put(CacheKeys.stream(ns), id));
        streams.xread(from, new XReadArgs().count(1).block(config.invalidationBlock())).await()
                .atMost(config.invalidationBlock().plus(config.redisTimeout()));
    }

    /**
     * Applies the entries after this replica's position in one namespace's stream; first checks, in the same atomic
     * read, that none after it are gone (trimmed past it: by {@code entries-added} and {@code length}, since the
     * scripts only ever trim; removed by hand: {@code max-deleted-entry-id}; or the stream was lost: its last id is
     * behind ours, or it no longer exists). If some are, the namespace's L1 is cleared: a replica that fell behind
     * (GC pause, throttled CPU, a burst of invalidations) ends up empty, never stale.
     *
     * @return whether entries were applied
     */
    private boolean readStream(String ns) {
        String applied = positions.get(ns);
        if (applied == null) {
            return false;
        }
        StreamRead read = read(ns, applied, BATCH);
        long index = indexes.getOrDefault(ns, 0L);
        if (read == null) {
            if (!"0-0".equals(applied)) {
                lost(ns, applied, "missing");
                positions.put(ns, "0-0");
                indexes.put(ns, 0L);
            }
            return false;
        }
        if (StreamIds.compare(read.lastGenerated(), applied) < 0) {
            // Redis lost the stream and started a new one: whatever it holds was written after the loss
            lost(ns, applied, "reset");
            positions.put(ns, read.lastGenerated());
            indexes.put(ns, read.entriesAdded());
            return false;
        }
        if (read.entriesAdded() - read.length() > index || StreamIds.compare(read.maxDeleted(), applied) > 0) {
            lost(ns, applied, "trimmed past it");
            // every entry still held is after our position: the first is number entries-added - length + 1
            indexes.put(ns, read.entriesAdded() - read.length());
        }
        for (StreamMessage<String, String, String> m : read.entries()) {
            apply(m);
        }
        return !read.entries().isEmpty();
    }

    private void lost(String ns, String applied, String why) {
        Log.warnf("namespace %s: invalidations after %s may be lost (stream %s); clearing its L1", ns, applied, why);
        clears++;
        l1.clear(ns);
    }

    private void apply(StreamMessage<String, String, String> m) {
        String ns = namespaceOf(m.key());
        String id = m.id();
        Map<String, String> f = m.payload();
        String op = f.getOrDefault("op", "");
        if ("ns".equals(op)) {
            l1.invalidateAll(ns, id);
        } else {
            String keys = f.getOrDefault("keys", "");
            int start = 0;
            while (start <= keys.length() && !keys.isEmpty()) {
                int end = keys.indexOf('\n', start);
                if (end < 0) {
                    end = keys.length();
                }
                l1.invalidate(ns, keys.substring(start, end), id);
                start = end + 1;
            }
        }
        positions.put(ns, id);
        indexes.merge(ns, 1L, Long::sum);
        metrics.applied(ns, System.currentTimeMillis() - StreamIds.millis(id));
    }

    /** Starts tracking namespaces created since: from their stream's current end, before their L1 is used. */
    private void trackNew() {
        for (String ns : registry.names()) {
            if (!positions.containsKey(ns)) {
                StreamRead info = read(ns, "0-0", 0);
                indexes.put(ns, info == null ? 0 : info.entriesAdded());
                positions.put(ns, info == null ? "0-0" : info.lastGenerated());
                l1.track(ns, true);
            }
        }
        for (String ns : positions.keySet()) {
            if (!registry.names().contains(ns)) {
                positions.remove(ns);
                indexes.remove(ns);
            }
        }
    }

    private record StreamRead(long entriesAdded, long length, String lastGenerated, String maxDeleted,
            List<StreamMessage<String, String, String>> entries) {
    }

    /** read.lua: the entries after {@code from} (at most {@code count}) and the stream's counters; null if absent. */
    private StreamRead read(String ns, String from, int count) {
        String stream = CacheKeys.stream(ns);
        Response r = scripts.run(Script.READ, List.of(stream), List.of(from, Integer.toString(count))).await()
                .indefinitely();
        if (r == null) {
            return null;
        }
        Response raw = r.get(4);
        List<StreamMessage<String, String, String>> entries = new ArrayList<>(raw.size());
        for (Response e : raw) {
            Response fields = e.get(1);
            Map<String, String> payload = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                payload.put(fields.get(i).toString(), fields.get(i + 1).toString());
            }
            entries.add(new StreamMessage<>(stream, e.get(0).toString(), payload));
        }
        return new StreamRead(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toString(), r.get(3).toString(),
                entries);
    }

    private static String namespaceOf(String stream) {
        return stream.substring(stream.indexOf('{') + 1, stream.indexOf('}'));
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
