package io.vigil.alert.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

import io.vigil.alert.domain.Silence;

/** Silences ({@code alert_silences}); an expired silence is kept (ends in the past) until the history purge. */
@ApplicationScoped
public class SilenceStore {

    private final MongoDocs docs;

    public SilenceStore(MongoDocs docs) {
        this.docs = docs;
    }

    public void put(Silence s) {
        docs.collection(MongoDocs.SILENCES).replaceOne(Filters.eq("_id", s.id()), docs.toDoc(s.id(), s),
                new ReplaceOptions().upsert(true));
    }

    public Silence get(String id) {
        return docs.fromDoc(docs.collection(MongoDocs.SILENCES).find(Filters.eq("_id", id)).first(), Silence.class);
    }

    public List<Silence> all() {
        return docs.fromDocs(docs.collection(MongoDocs.SILENCES).find(), Silence.class);
    }

    public long purgeEndedBefore(long at) {
        return docs.collection(MongoDocs.SILENCES).deleteMany(Filters.lt("endsAt", at)).getDeletedCount();
    }
}
