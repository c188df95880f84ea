package io.vigil.queue.store;

import java.time.Instant;

import org.bson.codecs.pojo.annotations.BsonId;

import io.quarkus.mongodb.panache.common.MongoEntity;

/** A finished job (completed, dead or cancelled) kept in MongoDB after Redis retention removed it. */
@MongoEntity(collection = "queue_jobs")
public class ArchivedJob {
    /** queue + "/" + job id */
    @BsonId
    public String id;
    public String queue;
    public String jobId;
    public String state;
    public int priority;
    public int attempts;
    public int maxAttempts;
    public String group;
    public String idempotencyKey;
    public String payload;
    public String result;
    public String lastError;
    public Instant enqueuedAt;
    public Instant leasedAt;
    public Instant finishedAt;
    /** When real MongoDB's TTL index deletes it (the scheduled purge does the same for the embedded server). */
    public Instant expireAt;
}
