package io.vigil.alert.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

import io.vigil.alert.domain.Rule;

/** Rules in MongoDB ({@code alert_rules}, {@code _id} = rule id). */
@ApplicationScoped
public class RuleStore {

    private final MongoDocs docs;

    public RuleStore(MongoDocs docs) {
        this.docs = docs;
    }

    public List<Rule> all() {
        return docs.fromDocs(docs.collection(MongoDocs.RULES).find().sort(new Document("_id", 1)), Rule.class);
    }

    public Rule get(String id) {
        return docs.fromDoc(docs.collection(MongoDocs.RULES).find(Filters.eq("_id", id)).first(), Rule.class);
    }

    /** @return true if the rule was created, false if replaced */
    public boolean put(Rule rule) {
        var result = docs.collection(MongoDocs.RULES).replaceOne(Filters.eq("_id", rule.id()),
                docs.toDoc(rule.id(), rule), new ReplaceOptions().upsert(true));
        return result.getMatchedCount() == 0;
    }

    public boolean delete(String id) {
        return docs.collection(MongoDocs.RULES).deleteOne(Filters.eq("_id", id)).getDeletedCount() > 0;
    }
}
