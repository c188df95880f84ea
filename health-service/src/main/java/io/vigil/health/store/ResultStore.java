package io.vigil.health.store;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.CheckResult;
import io.vigil.health.domain.State;
import io.vigil.health.domain.Transition;
import io.vigil.health.domain.UptimeStats;

/**
 * Check results ({@code health_results}, 7 days) and published transitions ({@code health_transitions}, 90 days) in
 * MongoDB. Results are buffered and written in batches once a second (a thousand targets at 10 s are 100 inserts a
 * second); a transition is an upsert by its event id, so a republished one is stored once. Retention: a TTL index on
 * {@code expireAt} for a real MongoDB plus the scheduled purge ({@code RetentionJob}) for the embedded one.
 */
@ApplicationScoped
public class ResultStore {

    /** Results kept in memory at most while MongoDB is unreachable; older ones are dropped (and counted) first. */
    private static final int MAX_BUFFERED = 200_000;
    /** Transitions kept in memory at most while MongoDB is unreachable (they are already on the stream). */
    private static final int MAX_BUFFERED_TRANSITIONS = 20_000;
    /** Rows written per batch. */
    public static final int BATCH = 5000;

    private final MongoClient mongo;
    private final String database;
    private final HealthConfig config;
    private final HistoryBuffer<Document> buffer;
    private final HistoryBuffer<Document> transitionBuffer;

    public ResultStore(MongoClient mongo, @ConfigProperty(name = "quarkus.mongodb.database") String database,
            HealthConfig config, MeterRegistry meters) {
        this.mongo = mongo;
        this.database = database;
        this.config = config;
        this.buffer = new HistoryBuffer<>("result", MAX_BUFFERED, meters);
        this.transitionBuffer = new HistoryBuffer<>("transition", MAX_BUFFERED_TRANSITIONS, meters);
    }

    void createIndexes(@Observes StartupEvent event) {
        try {
            results().createIndex(Indexes.ascending("target", "at"));
            results().createIndex(Indexes.ascending("expireAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            transitions().createIndex(Indexes.ascending("at"));
            transitions().createIndex(Indexes.ascending("target", "at"));
            transitions().createIndex(Indexes.ascending("expireAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
        } catch (RuntimeException e) {
            Log.warnf("index creation on health collections: %s", e.getMessage());
        }
    }

    public void add(CheckResult r) {
        Document d = new Document("target", r.target()).append("group", r.group()).append("at", new Date(r.checkedAt()))
                .append("outcome", r.outcome().name()).append("latencyMs", r.latencyMs())
                .append("blocked", r.blocked()).append("muted", r.muted())
                .append("expireAt", new Date(r.checkedAt() + config.retention().results().toMillis()));
        if (r.reason() != null) {
            d.append("reason", r.reason());
        }
        buffer.add(d);
    }

    /** Writes a batch of buffered results, then of transitions; on failure they stay buffered for the next flush. */
    public int flush() {
        List<Document> transitions = transitionBuffer.take(BATCH);
        if (!transitions.isEmpty()) {
            try {
                // Upserts by event id: a transition republished after a crash is stored once.
                transitions().bulkWrite(transitions.stream().map(t -> new ReplaceOneModel<>(
                        Filters.eq("_id", t.get("_id")), t, new ReplaceOptions().upsert(true))).toList());
            } catch (RuntimeException e) {
                transitionBuffer.putBack(transitions);
                throw e;
            }
        }
        List<Document> batch = buffer.take(BATCH);
        if (!batch.isEmpty()) {
            try {
                results().insertMany(batch);
            } catch (RuntimeException e) {
                buffer.putBack(batch);
                throw e;
            }
        }
        return Math.max(batch.size(), transitions.size());
    }

    /** Rows waiting for MongoDB. */
    public int buffered() {
        return buffer.size() + transitionBuffer.size();
    }

    /** Buffers a published transition for the history; written by the next {@link #flush}, never blocking. */
    public void addTransition(String eventId, Transition t, long checkedAt) {
        transitionBuffer.add(transitionDocument(eventId, t, checkedAt));
    }

    private Document transitionDocument(String eventId, Transition t, long checkedAt) {
        Document doc = new Document("_id", eventId).append("target", t.target()).append("group", t.group())
                .append("from", t.from().name()).append("to", t.to().name()).append("reason", t.reason())
                .append("at", new Date(checkedAt)).append("latencyMs", t.latencyMs())
                .append("dependsOn", t.dependsOn()).append("labels", new Document(new java.util.HashMap<>(t.labels())))
                .append("expireAt", new Date(checkedAt + config.retention().transitions().toMillis()));
        return doc;
    }

    /** Results of one target, newest first, with {@code from <= at < to}. */
    public List<CheckResult> history(String target, long from, long to, int limit) {
        List<CheckResult> out = new ArrayList<>();
        for (Document d : results().find(Filters.and(Filters.eq("target", target), range(from, to)))
                .sort(Sorts.descending("at")).limit(limit)) {
            out.add(toResult(d));
        }
        return out;
    }

    /**
     * Uptime and latency percentiles of one target over {@code [now - windowMs, now)}, aggregated in MongoDB: one row
     * per distinct (latency, outcome class) with its count, so a month of results at 10 s (260,000 documents) comes
     * back as at most a few thousand rows and the percentiles stay exact. Results while a parent was DOWN or in
     * maintenance are left out.
     */
    public UptimeStats stats(String target, String window, long windowMs, long now) {
        Bson inWindow = Filters.and(Filters.eq("target", target), range(now - windowMs, now + 1));
        long total = results().countDocuments(inWindow);
        List<Document> rows = new ArrayList<>();
        results().aggregate(List.of(
                Aggregates.match(Filters.and(inWindow, Filters.ne("blocked", true), Filters.ne("muted", true))),
                Aggregates.group(new Document("latencyMs", "$latencyMs").append("down",
                        new Document("$eq", List.of("$outcome", State.DOWN.name()))), Accumulators.sum("n", 1))))
                .into(rows);
        long counted = 0;
        long up = 0;
        List<long[]> latencies = new ArrayList<>(rows.size());
        for (Document row : rows) {
            Document key = row.get("_id", Document.class);
            long n = ((Number) row.get("n")).longValue();
            counted += n;
            if (!Boolean.TRUE.equals(key.getBoolean("down"))) {
                up += n;
            }
            latencies.add(new long[] { ((Number) key.get("latencyMs")).longValue(), n });
        }
        latencies.sort((a, b) -> Long.compare(a[0], b[0]));
        return new UptimeStats(window, total, counted, counted == 0 ? null : 100.0 * up / counted,
                percentile(latencies, counted, 0.50), percentile(latencies, counted, 0.95),
                percentile(latencies, counted, 0.99));
    }

    /** Published transitions with {@code from <= at < to}, newest first, optionally of one target. */
    public List<StoredTransition> transitions(long from, long to, String target, int limit) {
        Bson filter = target == null ? range(from, to) : Filters.and(Filters.eq("target", target), range(from, to));
        List<StoredTransition> out = new ArrayList<>();
        for (Document d : transitions().find(filter).sort(Sorts.descending("at")).limit(limit)) {
            out.add(new StoredTransition(d.getString("_id"), d.getString("target"), d.getString("group"),
                    State.valueOf(d.getString("from")), State.valueOf(d.getString("to")), d.getString("reason"),
                    d.getDate("at").toInstant().toString(), ((Number) d.get("latencyMs")).longValue()));
        }
        return out;
    }

    /** A transition as listed by the API. */
    public record StoredTransition(String id, String target, String group, State from, State to, String reason,
            String checkedAt, long latencyMs) {
    }

    public long purgeExpired(Date now) {
        return results().deleteMany(Filters.lt("expireAt", now)).getDeletedCount()
                + transitions().deleteMany(Filters.lt("expireAt", now)).getDeletedCount();
    }

    public void deleteTarget(String target) {
        results().deleteMany(Filters.eq("target", target));
    }

    /** The q-quantile (nearest rank) of {@code (value, count)} pairs sorted by value, {@code total} counts in all. */
    static Long percentile(List<long[]> sortedCounts, long total, double q) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (long[] vc : sortedCounts) {
            seen += vc[1];
            if (seen >= rank) {
                return vc[0];
            }
        }
        return sortedCounts.get(sortedCounts.size() - 1)[0];
    }

    private static Bson range(long from, long to) {
        return Filters.and(Filters.gte("at", new Date(from)), Filters.lt("at", new Date(to)));
    }

    private static CheckResult toResult(Document d) {
        return new CheckResult(d.getString("target"), d.getString("group"), d.getDate("at").getTime(),
                State.valueOf(d.getString("outcome")), ((Number) d.get("latencyMs")).longValue(), d.getString("reason"),
                Boolean.TRUE.equals(d.getBoolean("blocked")), Boolean.TRUE.equals(d.getBoolean("muted")));
    }

    private MongoCollection<Document> results() {
        return mongo.getDatabase(database).getCollection("health_results");
    }

    private MongoCollection<Document> transitions() {
        return mongo.getDatabase(database).getCollection("health_transitions");
    }
}
