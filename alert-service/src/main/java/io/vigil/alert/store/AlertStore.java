package io.vigil.alert.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;

import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;

/**
 * Alert instances ({@code alerts}, {@code _id} = fingerprint). Writes are compare-and-set on {@code version}, so two
 * replicas updating one alert never overwrite each other: the loser re-reads and applies its change again.
 */
@ApplicationScoped
public class AlertStore {

    private final MongoDocs docs;

    public AlertStore(MongoDocs docs) {
        this.docs = docs;
    }

    public void createIndexes() {
        docs.collection(MongoDocs.ALERTS).createIndex(Indexes.ascending("state"));
        docs.collection(MongoDocs.ALERTS).createIndex(Indexes.ascending("purgeAt"));
    }

    public AlertInstance get(String fingerprint) {
        return docs.fromDoc(docs.collection(MongoDocs.ALERTS).find(Filters.eq("_id", fingerprint)).first(),
                AlertInstance.class);
    }

    public List<AlertInstance> active() {
        return find(Filters.ne("state", AlertState.RESOLVED.name()));
    }

    /**
     * The active alerts' grouping fields only ({@code _id}, labels, severity, state, activeAt) as raw documents: a
     * paged view over 10,000 alerts groups these and maps only the alerts of its page ({@link #byFingerprints}).
     */
    public List<Document> activeIndex() {
        return docs.collection(MongoDocs.ALERTS).find(Filters.ne("state", AlertState.RESOLVED.name()))
                .projection(Projections.include("labels", "severity", "state", "activeAt")).into(new ArrayList<>());
    }

    public List<AlertInstance> byFingerprints(Collection<String> fingerprints) {
        return fingerprints.isEmpty() ? List.of() : find(Filters.in("_id", fingerprints));
    }

    public List<AlertInstance> find(Bson filter) {
        return docs.fromDocs(docs.collection(MongoDocs.ALERTS).find(filter), AlertInstance.class);
    }

    /**
     * Writes {@code alert} if the stored version is still {@code alert.version} (or, for version 0, if none is
     * stored), bumping the version. @return false when another writer got there first
     */
    public boolean save(AlertInstance alert) {
        long expected = alert.version;
        alert.version = expected + 1;
        boolean ok = docs.compareAndSet(MongoDocs.ALERTS, alert.fingerprint, alert, expected);
        if (!ok) {
            alert.version = expected;
        }
        return ok;
    }

    /** Alerts whose outbox still holds work (see {@link AlertInstance#outbox}). */
    public List<AlertInstance> withOutbox() {
        return find(Filters.exists("outbox.0"));
    }

    /**
     * Removes one drained intent from the stored outbox and bumps the version: a writer holding a copy read before
     * (which still lists the intent) is then refused and re-reads, instead of writing the intent back to be drained
     * (notified, escalated) a second time.
     *
     * @return true if the stored version was {@code expected} (and is now {@code expected + 1}): a copy at that
     *         version, without the intent, is current again
     */
    public boolean removeIntent(String fingerprint, String intentId, long expected) {
        Bson pullAndBump = Updates.combine(Updates.pull("outbox", new Document("id", intentId)),
                Updates.inc("version", 1L));
        if (docs.collection(MongoDocs.ALERTS).updateOne(Filters.and(Filters.eq("_id", fingerprint),
                Filters.eq("version", expected)), pullAndBump).getMatchedCount() == 1) {
            return true;
        }
        // changed since this copy was read: remove the intent if the newer state still holds it
        docs.collection(MongoDocs.ALERTS).updateOne(Filters.and(Filters.eq("_id", fingerprint),
                Filters.eq("outbox.id", intentId)), pullAndBump);
        return false;
    }

    public long purgeResolvedBefore(long now) {
        return docs.collection(MongoDocs.ALERTS).deleteMany(Filters.and(Filters.eq("state", AlertState.RESOLVED.name()),
                Filters.gt("purgeAt", 0L), Filters.lt("purgeAt", now))).getDeletedCount();
    }
}
