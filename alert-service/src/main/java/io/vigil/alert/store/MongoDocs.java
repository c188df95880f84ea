package io.vigil.alert.store;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.MongoCollection;

import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;

/** alert-service's MongoDB collections, and JSON mapping of records to documents ({@code _id} = the key). */
@ApplicationScoped
public class MongoDocs {

    public static final String RULES = "alert_rules", ALERTS = "alerts", HISTORY = "alert_history",
            SILENCES = "alert_silences", ROUTING = "alert_routing", GROUPS = "alert_groups",
            DEAD = "alert_dead_notifications";

    private final MongoClient client;
    private final ObjectMapper mapper;
    private final String database;

    public MongoDocs(MongoClient client, ObjectMapper mapper) {
        this.client = client;
        this.mapper = mapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.database = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getOptionalValue("quarkus.mongodb.database", String.class).orElse("vigil");
    }

    public MongoCollection<Document> collection(String name) {
        return client.getDatabase(database).getCollection(name);
    }

    public Document toDoc(String id, Object value) {
        try {
            Document d = Document.parse(mapper.writeValueAsString(value));
            d.put("_id", id);
            return d;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code value} (whose version field already holds {@code expected + 1}) if the stored version is still
     * {@code expected}, or inserts it when {@code expected} is 0. @return false when another writer got there first
     */
    public boolean compareAndSet(String collection, String id, Object value, long expected) {
        Document doc = toDoc(id, value);
        try {
            if (expected == 0) {
                collection(collection).insertOne(doc);
                return true;
            }
            return collection(collection).replaceOne(
                    Filters.and(Filters.eq("_id", id), Filters.eq("version", expected)), doc).getMatchedCount() == 1;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /** Every document of a query, read as {@code type}. */
    public <T> List<T> fromDocs(Iterable<Document> found, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Document d : found) {
            out.add(fromDoc(d, type));
        }
        return out;
    }

    public <T> T fromDoc(Document d, Class<T> type) {
        if (d == null) {
            return null;
        }
        Document copy = new Document(d);
        copy.remove("_id");
        try {
            return mapper.readValue(copy.toJson(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " document: " + e.getMessage(), e);
        }
    }
}
