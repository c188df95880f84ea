package io.vigil.cache.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
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
import io.vigil.common.redis.RedisMode;

/**
 * Applies every namespace's invalidation stream to this replica's L1. Every replica must see every invalidation, so
 * this is not a consumer group (which would hand each entry to one member): each replica keeps its own position per
 * stream and reads with a plain {@code XREAD BLOCK} from there (on Redis Cluster: one non-blocking XREAD per stream,
 * see {@link #pollEachStream()}). After any read failure (Redis down, connection
 * killed) it resynchronises before reading on: it replays from its last applied id, and clears a namespace's L1
 * only when entries after that id are gone (trimmed past it: by {@code entries-added} and {@code length}, since the
 * scripts only ever trim; or the stream was lost: its last id is behind ours, or it no longer exists).
 */
@ApplicationScoped
public class InvalidationReader {

    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    /** On Redis Cluster, how long the reader waits before polling the streams again after finding nothing. */
    static final Duration CLUSTER_POLL = Duration.ofMillis(50);
    private static final int BATCH = 1000;

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
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

    public InvalidationReader(RedisDataSource redis, NamespaceRegistry registry, L1Cache l1, CacheMetrics metrics,
            CacheServiceConfig config) {
        this.redis = redis;
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
                    resync();
                    synced = true;
                    connected = true;
                }
                trackNew();
                if (positions.isEmpty()) {
                    pause(config.invalidationBlock());
                    continue;
                }
                if (RedisMode.cluster()) {
                    pollEachStream();
                    continue;
                }
                Map<String, String> from = new HashMap<>();
                positions.forEach((ns, id) -> from.put(CacheKeys.stream(ns), id));
                List<StreamMessage<String, String, String>> batch = streams.xread(from,
                        new XReadArgs().count(BATCH).block(config.invalidationBlock()));
                for (StreamMessage<String, String, String> m : batch) {
                    apply(m);
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (connected) {
                    Log.warnf("invalidation stream read failed (%s): L1 bypassed until resynchronised",
                            e.getMessage());
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
     * Redis Cluster: the streams of different namespaces live in different slots, so one XREAD cannot name them all
     * (CROSSSLOT). Each stream is read on its own from this replica's position in it, without blocking (a blocking
     * read would hold a pooled connection of every node, see vigil-common's StreamGroupReader, and delay the other
     * streams); after a round that found nothing the reader waits {@link #CLUSTER_POLL}, which bounds the added delay.
     */
    private void pollEachStream() {
        boolean found = false;
        for (Map.Entry<String, String> p : positions.entrySet()) {
            for (StreamMessage<String, String, String> m : streams.xread(CacheKeys.stream(p.getKey()), p.getValue(),
                    new XReadArgs().count(BATCH))) {
                apply(m);
                found = true;
            }
        }
        if (!found) {
            pause(config.invalidationBlock().compareTo(CLUSTER_POLL) < 0 ? config.invalidationBlock() : CLUSTER_POLL);
        }
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
                StreamInfo info = info(ns);
                positions.put(ns, info == null ? "0-0" : info.lastGenerated);
                indexes.put(ns, info == null ? 0 : info.entriesAdded);
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

    private void resync() {
        resyncs++;
        for (Map.Entry<String, String> p : positions.entrySet()) {
            String ns = p.getKey();
            String applied = p.getValue();
            StreamInfo info = info(ns);
            long index = indexes.getOrDefault(ns, 0L);
            // Entries are only ever trimmed (never XDELed), so the stream holds entries number
            // entriesAdded - length + 1 .. entriesAdded; we miss some iff the one after ours is gone.
            boolean lost = info == null ? !"0-0".equals(applied)
                    : StreamIds.compare(info.lastGenerated, applied) < 0
                            || info.entriesAdded - info.length > index
                            || StreamIds.compare(info.maxDeleted, applied) > 0;
            if (lost) {
                Log.warnf("namespace %s: invalidations after %s may be lost (stream %s); clearing its L1", ns,
                        applied, info == null ? "missing" : "trimmed past it or reset");
                clears++;
                l1.clear(ns);
                positions.put(ns, info == null ? "0-0" : info.lastGenerated);
                indexes.put(ns, info == null ? 0 : info.entriesAdded);
            }
            l1.track(ns, true);
        }
    }

    private record StreamInfo(String lastGenerated, String maxDeleted, long entriesAdded, long length) {
    }

    /** XINFO STREAM's last-generated-id, max-deleted-entry-id, entries-added (Redis 7) and length; null if absent. */
    private StreamInfo info(String ns) {
        Response r;
        try {
            r = redis.execute("XINFO", "STREAM", CacheKeys.stream(ns));
        } catch (RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such key")) {
                return null;
            }
            throw e;
        }
        String last = field(r, "last-generated-id");
        String maxDeleted = field(r, "max-deleted-entry-id");
        String added = field(r, "entries-added");
        String length = field(r, "length");
        return new StreamInfo(last == null ? "0-0" : last, maxDeleted == null ? "0-0" : maxDeleted,
                added == null ? 0 : Long.parseLong(added), length == null ? 0 : Long.parseLong(length));
    }

    /** A field of a reply that is a map (RESP3) or a flat name/value array (RESP2). */
    private static String field(Response r, String name) {
        if (r.getKeys() != null && !r.getKeys().isEmpty()) {
            Response v = r.get(name);
            return v == null ? null : v.toString();
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            if (name.equals(r.get(i).toString())) {
                Response v = r.get(i + 1);
                return v == null ? null : v.toString();
            }
        }
        return null;
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
