package io.vigil.alert.store;

import jakarta.enterprise.context.ApplicationScoped;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

import io.vigil.alert.domain.Routing;

/** The one routing document ({@code alert_routing}, {@code _id} = "current"). */
@ApplicationScoped
public class RoutingStore {

    private final MongoDocs docs;

    public RoutingStore(MongoDocs docs) {
        this.docs = docs;
    }

    public Routing get() {
        Routing r = docs.fromDoc(docs.collection(MongoDocs.ROUTING).find(Filters.eq("_id", "current")).first(),
                Routing.class);
        return r == null ? Routing.empty() : r;
    }

    public void put(Routing routing) {
        docs.collection(MongoDocs.ROUTING).replaceOne(Filters.eq("_id", "current"), docs.toDoc("current", routing),
                new ReplaceOptions().upsert(true));
    }
}
