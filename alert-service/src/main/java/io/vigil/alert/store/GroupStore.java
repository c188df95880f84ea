package io.vigil.alert.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;

/** Notification groups ({@code alert_groups}), written compare-and-set on version like alerts. */
@ApplicationScoped
public class GroupStore {

    private final MongoDocs docs;

    public GroupStore(MongoDocs docs) {
        this.docs = docs;
    }

    public void createIndexes() {
        docs.collection(MongoDocs.GROUPS).createIndex(Indexes.ascending("nextFlushAt"));
    }

    public AlertGroup get(String key) {
        return docs.fromDoc(docs.collection(MongoDocs.GROUPS).find(Filters.eq("_id", key)).first(), AlertGroup.class);
    }

    public List<AlertGroup> due(long now) {
        return docs.fromDocs(docs.collection(MongoDocs.GROUPS)
                .find(Filters.and(Filters.gt("nextFlushAt", 0L), Filters.lte("nextFlushAt", now))), AlertGroup.class);
    }

    public boolean save(AlertGroup g) {
        long expected = g.version;
        g.version = expected + 1;
        boolean ok = docs.compareAndSet(MongoDocs.GROUPS, g.key, g, expected);
        if (!ok) {
            g.version = expected;
        }
        return ok;
    }

    /** Groups with a claimed flush not yet handed to delivery (see {@link AlertGroup#pending}). */
    public List<AlertGroup> withPending() {
        return docs.fromDocs(docs.collection(MongoDocs.GROUPS).find(Filters.exists("pending.0")), AlertGroup.class);
    }

    /** Deletes the group if it is still at {@code g.version}. @return false when another writer changed it first */
    public boolean delete(AlertGroup g) {
        return docs.collection(MongoDocs.GROUPS).deleteOne(Filters.and(Filters.eq("_id", g.key),
                Filters.eq("version", g.version))).getDeletedCount() == 1;
    }
}
