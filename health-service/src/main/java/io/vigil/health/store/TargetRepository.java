package io.vigil.health.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

import io.vigil.health.domain.TargetSpec;

/** Targets saved through the API, in {@code health_targets} (id = name). */
@ApplicationScoped
public class TargetRepository {

    private final MongoClient mongo;
    private final String database;

    public TargetRepository(MongoClient mongo, @ConfigProperty(name = "quarkus.mongodb.database") String database) {
        this.mongo = mongo;
        this.database = database;
    }

    /** Every stored target; fails after {@code timeout} (server selection included) rather than waiting longer. */
    public List<TargetSpec> all(Duration timeout) {
        List<TargetSpec> out = new ArrayList<>();
        for (Document d : collection().withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).find()) {
            out.add(JsonDocuments.fromDocument(d, TargetSpec.class));
        }
        return out;
    }

    public void save(TargetSpec spec) {
        collection().replaceOne(Filters.eq("_id", spec.name()), JsonDocuments.toDocument(spec.name(), spec),
                new ReplaceOptions().upsert(true));
    }

    public boolean delete(String name) {
        return collection().deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
    }

    private MongoCollection<Document> collection() {
        return mongo.getDatabase(database).getCollection("health_targets");
    }
}
