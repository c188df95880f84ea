package io.vigil.health.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;

import io.vigil.health.domain.Incident;
import io.vigil.health.domain.Maintenance;

/**
 * Incidents ({@code health_incidents}) and maintenance windows ({@code health_maintenance}). Each document also
 * carries epoch-millisecond copies of its times ({@code sortMs}, {@code endMs}) for sorting and the purge.
 */
@ApplicationScoped
public class IncidentStore {

    private final MongoClient mongo;
    private final String database;

    public IncidentStore(MongoClient mongo, @ConfigProperty(name = "quarkus.mongodb.database") String database) {
        this.mongo = mongo;
        this.database = database;
    }

    public void save(Incident incident) {
        Document d = JsonDocuments.toDocument(incident.id(), incident)
                .append("sortMs", Instant.parse(incident.createdAt()).toEpochMilli())
                .append("endMs", incident.resolvedAt() == null ? Long.MAX_VALUE
                        : Instant.parse(incident.resolvedAt()).toEpochMilli());
        incidents().replaceOne(Filters.eq("_id", incident.id()), d, new ReplaceOptions().upsert(true));
    }

    public Optional<Incident> incident(String id) {
        Document d = incidents().find(Filters.eq("_id", id)).first();
        return Optional.ofNullable(d).map(x -> JsonDocuments.fromDocument(x, Incident.class));
    }

    /** Newest first; {@code open} null for all. */
    public List<Incident> incidents(Boolean open, int limit) {
        Bson filter = open == null ? new Document()
                : open ? Filters.ne("status", "resolved") : Filters.eq("status", "resolved");
        List<Incident> out = new ArrayList<>();
        for (Document d : incidents().find(filter).sort(Sorts.descending("sortMs")).limit(limit)) {
            out.add(JsonDocuments.fromDocument(d, Incident.class));
        }
        return out;
    }

    public void save(Maintenance m) {
        Document d = JsonDocuments.toDocument(m.id(), m)
                .append("sortMs", Instant.parse(m.startsAt()).toEpochMilli())
                .append("endMs", Instant.parse(m.endsAt()).toEpochMilli());
        maintenance().replaceOne(Filters.eq("_id", m.id()), d, new ReplaceOptions().upsert(true));
    }

    public Optional<Maintenance> maintenance(String id) {
        Document d = maintenance().find(Filters.eq("_id", id)).first();
        return Optional.ofNullable(d).map(x -> JsonDocuments.fromDocument(x, Maintenance.class));
    }

    /** Windows ending after {@code endsAfterMs} (0 for all), newest start first. */
    public List<Maintenance> maintenance(long endsAfterMs, int limit) {
        List<Maintenance> out = new ArrayList<>();
        for (Document d : maintenance().find(Filters.gt("endMs", endsAfterMs)).sort(Sorts.descending("sortMs"))
                .limit(limit)) {
            out.add(JsonDocuments.fromDocument(d, Maintenance.class));
        }
        return out;
    }

    /** The windows not ended at {@code nowMs}; fails after {@code timeout} (server selection included). */
    public List<Maintenance> openMaintenance(long nowMs, Duration timeout) {
        List<Maintenance> out = new ArrayList<>();
        for (Document d : maintenance().withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .find(Filters.gt("endMs", nowMs)).sort(Sorts.descending("sortMs")).limit(1000)) {
            out.add(JsonDocuments.fromDocument(d, Maintenance.class));
        }
        return out;
    }

    /** Removes incidents resolved and windows ended before {@code beforeMs}. */
    public long purge(long beforeMs) {
        return incidents().deleteMany(Filters.lt("endMs", beforeMs)).getDeletedCount()
                + maintenance().deleteMany(Filters.lt("endMs", beforeMs)).getDeletedCount();
    }

    private MongoCollection<Document> incidents() {
        return mongo.getDatabase(database).getCollection("health_incidents");
    }

    private MongoCollection<Document> maintenance() {
        return mongo.getDatabase(database).getCollection("health_maintenance");
    }
}
