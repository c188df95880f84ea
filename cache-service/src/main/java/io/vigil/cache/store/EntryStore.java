package io.vigil.cache.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.domain.NewValue;
import io.vigil.cache.store.Scripts.Script;

/** L2: entries, tag index and invalidation publishing in Redis, one script (one round trip) per operation. */
@ApplicationScoped
public class EntryStore {

    /** One page of a ZSCAN over a namespace's key index: key names and the next cursor. */
    public record KeyPage(List<String> keys, String cursor) {
        public boolean done() {
            return "0".equals(cursor);
        }
    }

    /** The outcome of a lock attempt: token > 0 when held, else the holder's remaining TTL. */
    public record Lock(long token, long ttlMs) {
        public boolean held() {
            return token > 0;
        }
    }

    private final Scripts scripts;
    private final ReactiveRedisDataSource redis;
    private final CacheServiceConfig config;

    public EntryStore(Scripts scripts, ReactiveRedisDataSource redis, CacheServiceConfig config) {
        this.scripts = scripts;
        this.redis = redis;
        this.config = config;
    }

    /** Entries in the order of {@code keys}, null where missing. Sliding namespaces extend each hit's TTL. */
    public Uni<List<Entry>> get(String ns, boolean slide, List<String> keys) {
        List<String> redisKeys = new ArrayList<>(keys.size() + 1);
        redisKeys.add(CacheKeys.index(ns));
        for (String key : keys) {
            redisKeys.add(CacheKeys.entry(ns, key));
        }
        return Uni.createFrom().deferred(() -> {
            long sent = System.currentTimeMillis();
            return scripts.run(Script.GET, redisKeys, List.of(slide ? "1" : "0", CacheKeys.prefix(ns)))
                    .map(r -> entries(r, keys.size(), sent));
        });
    }

    /**
     * One key's entry (null when missing) through {@link Scripts#call}: the hot L2 read, no Mutiny (issue 19). Same
     * script and answer as {@link #get}.
     */
    public io.vertx.core.Future<Entry> getOne(String ns, boolean slide, String key) {
        long sent = System.currentTimeMillis();
        return scripts.call(Script.GET, List.of(CacheKeys.index(ns), CacheKeys.entry(ns, key)),
                List.of(slide ? "1" : "0", CacheKeys.prefix(ns)))
                .map(r -> entries(Response.newInstance(r), 1, sent).get(0));
    }

    /**
     * get.lua's answer. Expiry times come from Redis' clock: they are moved onto ours by the difference of the two
     * (ours taken before the call, so an entry looks at worst one round trip less fresh), never compared directly.
     */
    private static List<Entry> entries(Response r, int n, long sent) {
        long now = System.currentTimeMillis();
        long skew = r.get(n).toLong() - sent;
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Response f = r.get(i);
            out.add(f == null || f.size() < 8 ? null : toEntry(f, now, skew));
        }
        return out;
    }

    public Uni<String> put(String ns, NamespaceSettings settings, List<NewValue> values) {
        List<String> names = new ArrayList<>(values.size());
        List<Object> args = new ArrayList<>(2 + values.size() * 7);
        args.add(CacheKeys.prefix(ns));
        args.add(config.invalidationStreamLength());
        for (NewValue v : values) {
            names.add(v.key());
            addValueArgs(args, settings, v);
        }
        return scripts.runBinary(Script.PUT, writeKeys(ns, names), args).map(Response::toString);
    }

    /** What one delete published: how many entries existed and the invalidation's stream id. */
    public record Deleted(long count, String id, List<String> names) {
    }

    public Uni<Deleted> delete(String ns, List<String> names) {
        List<String> args = new ArrayList<>(names.size() + 2);
        args.add(CacheKeys.prefix(ns));
        args.add(Long.toString(config.invalidationStreamLength()));
        args.addAll(names);
        return scripts.run(Script.DELETE, writeKeys(ns, names), args).map(r -> new Deleted(r.get(0).toLong(), r.get(1).toString(), names));
    }

    /** Deletes up to {@code batch} keys carrying the tag; no names when the tag is exhausted. */
    public Uni<Deleted> invalidateTagBatch(String ns, String tag, int batch) {
        return scripts.run(Script.INVALIDATE_TAG, List.of(CacheKeys.stream(ns), CacheKeys.tag(ns, tag),
                CacheKeys.index(ns)),
                List.of(CacheKeys.prefix(ns), Long.toString(config.invalidationStreamLength()),
                        Integer.toString(batch))).map(r -> {
                            List<String> names = new ArrayList<>(r.size());
                            for (int i = 1; i < r.size(); i++) {
                                names.add(r.get(i).toString());
                            }
                            return new Deleted(names.size(), r.get(0).toString(), names);
                        });
    }

    public Uni<String> markNamespace(String ns) {
        return scripts.run(Script.MARK_NAMESPACE, List.of(CacheKeys.stream(ns)),
                List.of(Long.toString(config.invalidationStreamLength()))).map(Response::toString);
    }

    /**
     * One ZSCAN step over the namespace's key index, names matching the glob; {@code cursor} "0" starts. Never KEYS
     * nor SCAN: the index is one key of the namespace's slot, so this works alike on Redis Cluster, where SCAN would
     * see the keys of one node only.
     */
    public Uni<KeyPage> scan(String ns, String glob, String cursor, int count) {
        Request scan = Request.cmd(Command.ZSCAN).arg(CacheKeys.index(ns)).arg(cursor).arg("MATCH").arg(glob)
                .arg("COUNT").arg(count);
        return redis.getRedis().send(scan).map(r -> {
            Response page = r.get(1);
            List<String> names = new ArrayList<>(page.size() / 2);
            for (int i = 0; i < page.size(); i += 2) { // member, score, member, score...
                names.add(page.get(i).toString());
            }
            return new KeyPage(names, r.get(0).toString());
        });
    }

    public Uni<Lock> lock(String ns, String key, long ttlMs) {
        return scripts.run(Script.LOCK, List.of(CacheKeys.lock(ns, key), CacheKeys.fence(ns)),
                List.of(Long.toString(ttlMs))).map(r -> new Lock(r.get(0).toLong(), r.get(1).toLong()));
    }

    /** Stores a loaded value if the token still holds the lock; returns its version, or null when fenced out. */
    public Uni<String> fill(String ns, NamespaceSettings settings, long token, NewValue v) {
        List<Object> args = new ArrayList<>(10);
        args.add(CacheKeys.prefix(ns));
        args.add(config.invalidationStreamLength());
        args.add(token);
        addValueArgs(args, settings, v);
        return scripts.runBinary(Script.FILL,
                List.of(CacheKeys.stream(ns), CacheKeys.index(ns), CacheKeys.entry(ns, v.key()),
                        CacheKeys.lock(ns, v.key())), args)
                .map(r -> r == null ? null : r.toString());
    }

    /** @return whether the token still held the lock (no write deleted it, it did not expire) */
    public Uni<Boolean> unlock(String ns, String key, long token) {
        return scripts.run(Script.UNLOCK, List.of(CacheKeys.lock(ns, key)), List.of(Long.toString(token)))
                .map(r -> r != null && r.toLong() == 1);
    }

    /** KEYS of put and delete: the stream, the key index, the entry hashes, then their load locks (deleted: fenced). */
    private static List<String> writeKeys(String ns, List<String> names) {
        List<String> keys = new ArrayList<>(2 + names.size() * 2);
        keys.add(CacheKeys.stream(ns));
        keys.add(CacheKeys.index(ns));
        for (String name : names) {
            keys.add(CacheKeys.entry(ns, name));
        }
        for (String name : names) {
            keys.add(CacheKeys.lock(ns, name));
        }
        return keys;
    }

    private void addValueArgs(List<Object> args, NamespaceSettings settings, NewValue v) {
        Codec.Encoded enc = Codec.encode(v.value(), settings.compress(), config.compressThresholdBytes());
        args.add(v.key());
        args.add(enc.bytes());
        args.add(v.contentType());
        args.add(enc.codec());
        args.add(String.join("\n", v.tags()));
        args.add(v.ttlMs());
        args.add(settings.staleGraceMs());
    }

    private static Entry toEntry(Response f, long now, long skew) {
        byte[] stored = f.get(0).toBytes();
        String tags = f.get(3) == null ? "" : f.get(3).toString();
        long pttl = f.get(7).toLong();
        return new Entry(Codec.decode(stored, f.get(2) == null ? "" : f.get(2).toString()), f.get(1).toString(),
                tags.isEmpty() ? List.of() : Arrays.asList(tags.split("\n")), f.get(4).toString(),
                Long.parseLong(f.get(5).toString()) - skew, pttl < 0 ? Long.MAX_VALUE : now + pttl,
                Long.parseLong(f.get(6).toString()), stored.length);
    }
}
