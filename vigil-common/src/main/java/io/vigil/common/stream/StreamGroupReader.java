package io.vigil.common.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.vigil.common.event.Streams;
import io.vigil.common.redis.RedisMode;

/**
 * One member of a consumer group on one stream, reading batch by batch on its own thread: the loop every Vigil
 * consumer shares. It creates the group when missing (again after a Redis restart that lost it), takes over entries
 * pending longer than {@code claimIdle} (their consumer died, or their handling failed) with XAUTOCLAIM, and reads new
 * entries with a blocking XREADGROUP (on Redis Cluster: a non-blocking one every {@link #CLUSTER_POLL}, see
 * {@link #readNew()}). What happens to a batch, and when its entries are acknowledged, is the
 * {@link BatchHandler}'s: an entry it does not acknowledge stays pending and comes back through a later claim.
 */
public final class StreamGroupReader implements AutoCloseable {

    /** Handles one batch; it acknowledges (or dead-letters) each entry once that entry is safely handled. */
    @FunctionalInterface
    public interface BatchHandler {
        /** @param reclaimed true when the entries were taken over by XAUTOCLAIM, i.e. delivered before */
        void handle(StreamGroupReader reader, List<StreamMessage<String, String, String>> batch, boolean reclaimed)
                throws Exception;
    }

    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration COPY_MARKER_TTL = Duration.ofDays(1);
    /** On Redis Cluster, how long a member waits before reading again after a read found nothing. */
    static final Duration CLUSTER_POLL = Duration.ofMillis(50);

    private final String stream;
    private final String group;
    private final String consumer;
    private final String startId;
    private final ReadSettings settings;
    private final long maxLength;
    private final BatchHandler handler;
    private final StreamCommands<String, String, String> streams;
    private final ValueCommands<String, String> values;
    private final Thread thread;
    private volatile boolean running = true;
    /** Counted down by {@link #close()}: wakes a member pausing between retries, so it stops at once. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set while the member's handler waits for a dependency that is down (see {@link #backingOff()}). */
    private volatile boolean backingOff;
    /** Once the group existed, any later creation is a recreation (Redis lost it) and starts at "0", not "$". */
    private boolean created;

    StreamGroupReader(RedisDataSource redis, long maxLength, ReadSettings settings, String stream, String group,
            String consumer, String startId, BatchHandler handler) {
        this.stream = stream;
        this.group = group;
        this.consumer = consumer;
        this.startId = startId;
        this.settings = settings;
        this.maxLength = maxLength;
        this.handler = handler;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.values = redis.value(String.class, String.class);
        this.thread = new Thread(this::run, "stream-" + group + "-" + consumer);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    public String stream() {
        return stream;
    }

    public String group() {
        return group;
    }

    public String consumerName() {
        return consumer;
    }

    /**
     * True while this member's handler is retrying an event because a dependency is down (an outage, see
     * {@link FailureClassifier}): it reads nothing new meanwhile, and resumes as soon as a retry succeeds.
     */
    public boolean backingOff() {
        return backingOff;
    }

    void backingOff(boolean value) {
        backingOff = value;
    }

    boolean running() {
        return running;
    }

    /** Waits {@code duration} unless closed meanwhile; returns whether the member is still running. */
    boolean pauseUnlessClosed(Duration duration) {
        sleep(duration);
        return running;
    }

    public void ack(String... ids) {
        if (ids.length > 0) {
            streams.xack(stream, group, ids);
        }
    }

    /** How many times the entry has been delivered in this group (XPENDING); 0 when it is no longer pending. */
    public long deliveries(String id) {
        List<PendingMessage> pending = streams.xpending(stream, group, new StreamRange(id, id), 1);
        return pending.isEmpty() ? 0 : pending.get(0).getDeliveryCount();
    }

    /** Parks an entry that can never be handled in {@link Streams#deadLetter} and acknowledges it. */
    public void deadLetter(StreamMessage<String, String, String> message, String reason) {
        deadLetter(message, reason, Map.of());
    }

    /** Same, with {@link DeadLetterFields} describing the failed deliveries. */
    void deadLetter(StreamMessage<String, String, String> message, String reason, Map<String, String> details) {
        copy(message, reason, details);
        ack(message.id());
    }

    /**
     * Copies an entry to {@link Streams#deadLetter} for inspection without acknowledging it: for an entry that is
     * partly bad, whose good part the handler still processes (and acknowledges with it). Once per entry: a
     * redelivered entry is not copied again (a marker per copied entry id is kept for a day).
     */
    public void copyToDeadLetter(StreamMessage<String, String, String> message, String reason) {
        copy(message, reason, Map.of(DeadLetterFields.INSPECTION_COPY, "true"));
    }

    private void copy(StreamMessage<String, String, String> message, String reason, Map<String, String> details) {
        String dead = Streams.deadLetter(stream, group);
        String marker = dead + ":copied:" + message.id();
        if (values.setGet(marker, "1", new SetArgs().nx().px(COPY_MARKER_TTL)) != null) {
            return; // another delivery of this entry was copied already
        }
        Map<String, String> fields = new HashMap<>(message.payload() == null ? Map.of() : message.payload());
        fields.putAll(details);
        fields.put(DeadLetterFields.REASON, reason);
        fields.put(DeadLetterFields.ORIGINAL_ID, message.id());
        try {
            streams.xadd(dead, new XAddArgs().maxlen(maxLength).nearlyExactTrimming(), fields);
        } catch (RuntimeException e) {
            values.getdel(marker);
            throw e;
        }
        Log.errorf("stream %s group %s: entry %s dead-lettered: %s", stream, group, message.id(), reason);
    }

    /** Stops reading after the current batch; entries not yet acknowledged stay pending for another member. */
    @Override
    public void close() {
        running = false;
        stopped.countDown();
        try {
            thread.join(settings.block().plus(RETRY_PAUSE).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextClaim = 0;
        boolean groupReady = false;
        while (running) {
            try {
                if (!groupReady) {
                    ensureGroup();
                    groupReady = true;
                }
                if (System.nanoTime() - nextClaim >= 0) {
                    reclaimAbandoned();
                    nextClaim = System.nanoTime() + settings.claimInterval().toNanos();
                }
                List<StreamMessage<String, String, String>> batch = readNew();
                if (!batch.isEmpty()) {
                    handler.handle(this, batch, false);
                } else if (RedisMode.cluster()) {
                    sleep(settings.block().compareTo(CLUSTER_POLL) < 0 ? settings.block() : CLUSTER_POLL);
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                // Redis down or restarted without data: the group may be gone, so recreate it once reachable again.
                groupReady = false;
                Log.warnf("stream %s group %s: %s; retrying in %s", stream, group, e.getMessage(), RETRY_PAUSE);
                pause();
            }
        }
    }

    /**
     * New entries for this member. On a single Redis the read blocks up to {@code block} on a pooled connection. On
     * Redis Cluster it does not block: the cluster client takes a pooled connection of every node for each command
     * and holds all of them until the reply, so a blocking read would hold one connection per node per member for
     * the whole block (a handful of members exhaust the default pool of 6 and every other command of the service
     * waits behind them). A non-blocking read holds them for one round trip; an idle member reads again after
     * {@link #CLUSTER_POLL}, which bounds the added delivery latency.
     */
    private List<StreamMessage<String, String, String>> readNew() {
        XReadGroupArgs args = new XReadGroupArgs().count(settings.batchSize());
        return streams.xreadgroup(group, consumer, stream, ">", RedisMode.cluster() ? args : args.block(settings.block()));
    }

    private void ensureGroup() {
        try {
            // A recreated group at "$" would skip what was added since the group vanished; at "0" it re-reads the
            // retained stream, and the handlers drop what they handled before (dedup, idempotent writes).
            String from = created ? "0" : startId;
            streams.xgroupCreate(stream, group, from, new XGroupCreateArgs().mkstream());
            if (created) {
                Log.warnf("stream %s group %s: group was missing, recreated at 0", stream, group);
            }
        } catch (Exception e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
        created = true;
    }

    private void reclaimAbandoned() throws Exception {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(stream, group, consumer,
                    settings.claimIdle(), cursor, settings.batchSize());
            if (!claimed.getMessages().isEmpty()) {
                handler.handle(this, claimed.getMessages(), true);
            }
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    private void pause() {
        sleep(RETRY_PAUSE);
    }

    private void sleep(Duration duration) {
        try {
            stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
