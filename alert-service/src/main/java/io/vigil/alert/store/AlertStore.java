package io.vigil.alert.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.conversions.Bson;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;

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

    public long purgeResolvedBefore(long now) {
        return docs.collection(MongoDocs.ALERTS).deleteMany(Filters.and(Filters.eq("state", AlertState.RESOLVED.name()),
                Filters.gt("purgeAt", 0L), Filters.lt("purgeAt", now))).getDeletedCount();
    }
}
