package io.vigil.common.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
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
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.MalformedEventException;
import io.vigil.common.event.Streams;

/**
 * One member of a consumer group on one stream, on its own thread.
 * <ul>
 * <li>An entry is acknowledged only after its handler returned; a failed or crashed handler leaves it pending.</li>
 * <li>Entries pending longer than {@code claim-idle} (their consumer died, or the handler failed) are taken over with
 * XAUTOCLAIM, by this or any other member, and handled again.</li>
 * <li>Handled event ids are remembered for {@code dedup-ttl}, so a redelivered event is acknowledged, not handled
 * twice.</li>
 * <li>An entry delivered more than {@code max-deliveries} times, or one that is not an envelope, goes to the group's
 * dead-letter stream ({@link Streams#deadLetter}) instead of blocking the group forever.</li>
 * </ul>
 */
public final class StreamConsumer implements AutoCloseable {

    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final String stream;
    private final String group;
    private final String consumer;
    private final String startId;
    private final EventHandler handler;
    private final StreamsConfig config;
    private final StreamCommands<String, String, String> streams;
    private final ValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final Thread thread;
    private volatile boolean running = true;

    StreamConsumer(RedisDataSource redis, ObjectMapper mapper, MeterRegistry meters, StreamsConfig config,
            String stream, String group, String consumer, String startId, EventHandler handler) {
        this.stream = stream;
        this.group = group;
        this.consumer = consumer;
        this.startId = startId;
        this.handler = handler;
        this.config = config;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.values = redis.value(String.class, String.class);
        this.mapper = mapper;
        this.meters = meters;
        this.thread = new Thread(this::run, "stream-" + group + "-" + consumer);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    public String consumerName() {
        return consumer;
    }

    /** Stops reading after the current batch; entries not yet acknowledged stay pending for another member. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(config.block().plus(RETRY_PAUSE).toMillis());
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
                    nextClaim = System.nanoTime() + config.claimInterval().toNanos();
                }
                List<StreamMessage<String, String, String>> batch = streams.xreadgroup(group, consumer, stream, ">",
                        new XReadGroupArgs().count(config.batchSize()).block(config.block()));
                for (StreamMessage<String, String, String> message : batch) {
                    process(message);
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

    private void ensureGroup() {
        try {
            streams.xgroupCreate(stream, group, startId, new XGroupCreateArgs().mkstream());
        } catch (Exception e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private void reclaimAbandoned() {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(stream, group, consumer,
                    config.claimIdle(), cursor, config.batchSize());
            for (StreamMessage<String, String, String> message : claimed.getMessages()) {
                if (deliveries(message.id()) > config.maxDeliveries()) {
                    deadLetter(message, "delivered more than " + config.maxDeliveries() + " times");
                } else {
                    count("reclaimed");
                    process(message);
                }
            }
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    private long deliveries(String id) {
        List<PendingMessage> pending = streams.xpending(stream, group, new StreamRange(id, id), 1);
        return pending.isEmpty() ? 0 : pending.get(0).getDeliveryCount();
    }

    private void process(StreamMessage<String, String, String> message) {
        if (message.payload() == null || message.payload().isEmpty()) {
            // Trimmed from the stream while pending: nothing left to handle.
            streams.xack(stream, group, message.id());
            return;
        }
        EventEnvelope event;
        try {
            event = EventEnvelope.fromFields(message.payload(), mapper);
        } catch (MalformedEventException e) {
            deadLetter(message, e.getMessage());
            return;
        }
        String handledKey = "vigil:handled:{" + group + "}:" + event.id();
        if (values.get(handledKey) != null) {
            streams.xack(stream, group, message.id());
            count("duplicate");
            return;
        }
        try {
            handler.handle(event);
        } catch (Exception e) {
            count("failed");
            Log.warnf(e, "stream %s group %s: handler failed on %s %s; it stays pending and is retried",
                    stream, group, event.type(), event.id());
            return;
        }
        values.set(handledKey, "1", new SetArgs().px(config.dedupTtl()));
        streams.xack(stream, group, message.id());
        count("handled");
    }

    private void deadLetter(StreamMessage<String, String, String> message, String reason) {
        Map<String, String> fields = new HashMap<>(message.payload() == null ? Map.of() : message.payload());
        fields.put("deadLetterReason", reason);
        fields.put("originalId", message.id());
        streams.xadd(Streams.deadLetter(stream, group),
                new XAddArgs().maxlen(config.maxLength()).nearlyExactTrimming(), fields);
        streams.xack(stream, group, message.id());
        count("dead_lettered");
        Log.errorf("stream %s group %s: entry %s dead-lettered: %s", stream, group, message.id(), reason);
    }

    private void count(String outcome) {
        meters.counter("vigil.stream.events", "stream", stream, "group", group, "outcome", outcome).increment();
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
