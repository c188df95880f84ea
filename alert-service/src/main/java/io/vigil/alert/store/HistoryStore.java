package io.vigil.alert.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;

/**
 * Every step of every alert ({@code alert_history}): pending, firing, resolved, acknowledged, unacknowledged,
 * ack-expired, escalated, notified, silenced, flapping. The {@code _id} is derived from what happened (fingerprint,
 * episode, step), so a replayed step writes nothing twice.
 */
@ApplicationScoped
public class HistoryStore {

    private final MongoDocs docs;

    public HistoryStore(MongoDocs docs) {
        this.docs = docs;
    }

    public void createIndexes() {
        docs.collection(MongoDocs.HISTORY).createIndex(Indexes.ascending("fingerprint", "at"));
        docs.collection(MongoDocs.HISTORY).createIndex(Indexes.ascending("at"));
    }

    /** @return false if this step was recorded before (a replay) */
    public boolean record(String id, String fingerprint, String type, long at, Map<String, Object> detail) {
        Document d = new Document("_id", id).append("fingerprint", fingerprint).append("type", type).append("at", at)
                .append("detail", new Document(detail));
        try {
            docs.collection(MongoDocs.HISTORY).insertOne(d);
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    public List<Map<String, Object>> of(String fingerprint, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Document d : docs.collection(MongoDocs.HISTORY).find(Filters.eq("fingerprint", fingerprint))
                .sort(Sorts.ascending("at")).limit(limit)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", d.getString("type"));
            e.put("at", java.time.Instant.ofEpochMilli(d.getLong("at")).toString());
            e.put("detail", d.get("detail"));
            out.add(e);
        }
        return out;
    }

    public List<Document> since(long from) {
        return docs.collection(MongoDocs.HISTORY).find(Filters.gte("at", from)).into(new ArrayList<>());
    }

    public long purgeBefore(long at) {
        return docs.collection(MongoDocs.HISTORY).deleteMany(Filters.lt("at", at)).getDeletedCount();
    }
}
