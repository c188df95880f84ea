package io.vigil.queue.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;

import io.quarkus.logging.Log;
import io.quarkus.mongodb.panache.PanacheMongoRepositoryBase;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vigil.common.schedule.OncePerInterval;
import io.vigil.queue.config.QueueServiceConfig;

/** The MongoDB archive of finished jobs; no transactions needed: writes are idempotent upserts by id. */
@ApplicationScoped
public class ArchiveRepository implements PanacheMongoRepositoryBase<ArchivedJob, String> {

    private final OncePerInterval.Task purge;

    public ArchiveRepository(OncePerInterval once, QueueServiceConfig config) {
        this.purge = once.task("queue-archive-purge", config.archivePurgeInterval());
    }

    void createIndexes(@Observes StartupEvent ignored) {
        try {
            mongoCollection().createIndex(new Document("queue", 1).append("state", 1).append("finishedAt", -1));
            // Real MongoDB deletes expired documents itself; the embedded server ignores TTL (see purgeExpired).
            mongoCollection().createIndex(new Document("expireAt", 1),
                    new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
        } catch (RuntimeException e) {
            Log.warnf("could not create archive indexes: %s", e.getMessage());
        }
    }

    /** Inserts in one unordered bulk; a job archived before (e.g. dead, retried, now completed) is replaced. */
    public void archive(List<ArchivedJob> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        try {
            mongoCollection().insertMany(jobs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    persistOrUpdate(jobs.get(error.getIndex()));
                } else {
                    throw e;
                }
            }
        }
    }

    /** Whether a failure means MongoDB could not be reached (try again later), not that it refused the write. */
    public static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException
                    || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                    || t instanceof MongoConnectionPoolClearedException || t instanceof MongoServerUnavailableException
                    || t instanceof MongoInterruptedException) {
                return true;
            }
        }
        return false;
    }

    public ArchivedJob find(String queue, String jobId) {
        return findById(queue + "/" + jobId);
    }

    /** One replica per interval deletes what the embedded server's missing TTL monitor would have. */
    @Scheduled(every = "${vigil.queue.archive-purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        purge.run(this::purgeExpiredNow);
    }

    void purgeExpiredNow() {
        try {
            long n = delete("expireAt < ?1", Instant.now());
            if (n > 0) {
                Log.debugf("purged %d archived jobs past retention", n);
            }
        } catch (RuntimeException e) {
            Log.warnf("archive purge failed: %s", e.getMessage());
        }
    }
}
