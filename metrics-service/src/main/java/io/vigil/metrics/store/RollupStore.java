package io.vigil.metrics.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;
import org.bson.types.Binary;
import org.bson.conversions.Bson;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vigil.common.schedule.OncePerInterval;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.BinCodec;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey;

/**
 * Closed buckets in MongoDB, one collection per resolution ({@code rollups_10s}, {@code rollups_1m},
 * {@code rollups_1h}). A document's id is series and bucket start, so closing a bucket again (after a late sample or
 * a closer crash) replaces it instead of adding to it. Retention: a TTL index on {@code expireAt} for real MongoDB,
 * plus a scheduled purge for the embedded server, which has no TTL monitor (one replica per interval runs it).
 */
@ApplicationScoped
public class RollupStore {


    private final MongoClient mongo;
    private final String database;
    private final MetricsConfig config;
    private final OncePerInterval.Task purge;

    public RollupStore(MongoClient mongo, @ConfigProperty(name = "quarkus.mongodb.database") String database,
            MetricsConfig config, OncePerInterval once) {
        this.mongo = mongo;
        this.database = database;
        this.config = config;
        this.purge = once.task("metrics-rollup-purge", config.retention().purgeInterval());
    }

    void createIndexes(@Observes StartupEvent event) {
        for (Resolution res : Resolution.ALL) {
            MongoCollection<Document> c = collection(res);
            try {
                c.createIndex(Indexes.ascending("start"));
                c.createIndex(Indexes.ascending("service", "start"));
                c.createIndex(Indexes.ascending("expireAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            } catch (RuntimeException e) {
                Log.warnf("index creation on %s: %s", res.collection(), e.getMessage());
            }
        }
    }

    /**
     * Stores closed rollups. A stored copy is replaced only by one with at least as many samples: when two replicas
     * close the same bucket (one after a late sample), the older, smaller copy landing last changes nothing. The
     * stored counts are read first (one query by {@code _id}) and the writes filter on {@code _id} alone, which every
     * MongoDB, the embedded one included, serves from the primary index; two closers racing within that round trip are
     * the remaining window.
     */
    public void upsert(List<Rollup> rollups) {
        if (rollups.isEmpty()) {
            return;
        }
        Resolution res = rollups.get(0).resolution();
        List<Document> docs = new ArrayList<>(rollups.size());
        List<String> ids = new ArrayList<>(rollups.size());
        for (Rollup r : rollups) {
            Document doc = toDocument(r);
            docs.add(doc);
            ids.add(doc.getString("_id"));
        }
        Map<String, Long> stored = new HashMap<>();
        for (Document d : collection(res).find(Filters.in("_id", ids)).projection(Projections.include("count"))) {
            stored.put(d.getString("_id"), ((Number) d.get("count")).longValue());
        }
        List<WriteModel<Document>> writes = new ArrayList<>(docs.size());
        for (Document doc : docs) {
            Long old = stored.get(doc.getString("_id"));
            if (old == null || old <= ((Number) doc.get("count")).longValue()) {
                writes.add(new ReplaceOneModel<>(Filters.eq("_id", doc.getString("_id")), doc,
                        new ReplaceOptions().upsert(true)));
            }
        }
        if (!writes.isEmpty()) {
            collection(res).bulkWrite(writes);
        }
    }

    /** Rollups with {@code from <= start < to} (epoch seconds), optionally of one service. */
    public List<Rollup> find(Resolution res, long from, long to, Optional<String> service) {
        Bson range = Filters.and(Filters.gte("start", new Date(from * 1000)), Filters.lt("start", new Date(to * 1000)));
        Bson filter = service.map(s -> Filters.and(Filters.eq("service", s), range)).orElse(range);
        List<Rollup> out = new ArrayList<>();
        for (Document d : collection(res).find(filter)) {
            out.add(fromDocument(res, d));
        }
        return out;
    }

    /** Every rollup of the given bucket starts (epoch seconds), all services. */
    public List<Rollup> findStarts(Resolution res, List<Long> starts) {
        List<Date> dates = starts.stream().map(s -> new Date(s * 1000)).toList();
        List<Rollup> out = new ArrayList<>();
        for (Document d : collection(res).find(Filters.in("start", dates))) {
            out.add(fromDocument(res, d));
        }
        return out;
    }

    @Scheduled(every = "${vigil.metrics.retention.purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        purge.run(this::purgeExpiredNow);
    }

    void purgeExpiredNow() {
        Date now = new Date();
        for (Resolution res : Resolution.ALL) {
            long deleted = collection(res).deleteMany(Filters.lt("expireAt", now)).getDeletedCount();
            if (deleted > 0) {
                Log.infof("purged %d expired %s rollups", deleted, res.label());
            }
        }
    }

    /** How long rollups of a resolution are kept. */
    public Duration retention(Resolution res) {
        return switch (res) {
            case RAW -> config.retention().raw();
            case MINUTE -> config.retention().minute();
            case HOUR -> config.retention().hour();
        };
    }

    private Document toDocument(Rollup r) {
        SeriesKey k = r.key();
        long startMs = r.start() * 1000;
        return new Document("_id", k.id() + "@" + r.start())
                .append("service", k.service()).append("endpoint", k.endpoint()).append("method", k.method())
                .append("statusClass", k.statusClass()).append("start", new Date(startMs))
                .append("bucketSeconds", r.resolution().seconds()).append("count", r.count())
                .append("sumMs", r.sumMs()).append("maxMs", r.maxMs()).append("warn", r.warn())
                .append("critical", r.critical())
                .append("bins", new Binary(BinCodec.encode(r.binIndexes(), r.binCounts())))
                .append("expireAt", new Date(startMs + retention(r.resolution()).toMillis()));
    }

    private static Rollup fromDocument(Resolution res, Document d) {
        SeriesKey key = new SeriesKey(d.getString("service"), d.getString("endpoint"), d.getString("method"),
                d.getString("statusClass"));
        byte[] bins = d.get("bins", Binary.class).getData();
        int[] idx = new int[BinCodec.size(bins)];
        long[] cnt = new long[idx.length];
        int n = BinCodec.decode(bins, idx, cnt);
        return new Rollup(key, res, d.getDate("start").getTime() / 1000, Arrays.copyOf(idx, n), Arrays.copyOf(cnt, n),
                ((Number) d.get("count")).longValue(), ((Number) d.get("sumMs")).doubleValue(),
                ((Number) d.get("maxMs")).doubleValue(), ((Number) d.get("warn")).longValue(),
                ((Number) d.get("critical")).longValue());
    }

    private MongoCollection<Document> collection(Resolution res) {
        return mongo.getDatabase(database).getCollection(res.collection());
    }
}
