package io.vigil.alert.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;

/**
 * Notifications given up on during direct (fallback) delivery, when queue-service, which keeps its own dead letters,
 * was unavailable ({@code alert_dead_notifications}).
 */
@ApplicationScoped
public class DeadLetterStore {

    private final MongoDocs docs;

    public DeadLetterStore(MongoDocs docs) {
        this.docs = docs;
    }

    public void put(String id, String receiver, String error, Object notification, long at) {
        Document d = docs.toDoc(id, Map.of("receiver", receiver, "error", error, "notification", notification, "at", at));
        docs.collection(MongoDocs.DEAD).replaceOne(Filters.eq("_id", id), d, new ReplaceOptions().upsert(true));
    }

    public List<Document> recent(int limit) {
        return docs.collection(MongoDocs.DEAD).find().sort(Sorts.descending("at")).limit(limit).into(new ArrayList<>());
    }

    public long purgeBefore(long at) {
        return docs.collection(MongoDocs.DEAD).deleteMany(Filters.lt("at", at)).getDeletedCount();
    }
}
