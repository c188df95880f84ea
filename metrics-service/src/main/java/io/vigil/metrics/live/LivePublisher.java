package io.vigil.metrics.live;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.EventPublisher;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.Histogram;
import io.vigil.metrics.domain.Resolution;
import io.vigil.metrics.domain.Rollup;
import io.vigil.metrics.domain.SeriesKey;
import io.vigil.metrics.store.BucketReader;
import io.vigil.metrics.store.LuaScripts;
import io.vigil.metrics.store.RedisKeys;
import io.vigil.metrics.stream.RollupEvent;

/**
 * The fast signal for alerting ({@code metrics.live}): every {@code vigil.metrics.live.interval} (250 ms) one replica
 * reads, for every series with samples in the rolling window, the open 10 s bucket hashes in Redis (merged across
 * replicas, as every query is) that overlap the last {@code window} (10 s: the current bucket and the previous one),
 * and publishes one event per series in one pipelined XADD batch. Rollups are not affected: they stay the history.
 * <p>
 * Why the 10 s buckets and not a finer resolution: they are already written by every flush, so the live view costs
 * ingest nothing; the price is a window of 10 to 20 s (named in each event as {@code bucketStart} and
 * {@code bucketSeconds}), which alerting on a threshold with {@code for: 0} does not mind: a breach is in the window
 * from the flush that stores it (≤ 100 ms) on, and published at the next tick (≤ 250 ms).
 * <p>
 * One publisher at a time: {@code live_turn.lua} holds a lock renewed each tick (a dead holder is replaced after
 * {@code lock-ttl}) and publishes each tick slot at most once; event ids derive from series and slot, so even a
 * duplicate publication is dropped by consumers.
 */
@ApplicationScoped
public class LivePublisher {

    public static final String TYPE = "metrics.live";
    public static final int VERSION = 1;
    private static final long SLOT_MARKER_TTL_MS = 60_000;

    private final Redis redis;
    private final BucketReader reader;
    private final EventPublisher publisher;
    private final MetricsConfig.Live config;
    private final Counter published;
    private final String token = UUID.randomUUID().toString();
    private volatile boolean running;
    private Thread thread;

    public LivePublisher(Redis redis, BucketReader reader, EventPublisher publisher, MetricsConfig config,
            MeterRegistry meters) {
        this.redis = redis;
        this.reader = reader;
        this.publisher = publisher;
        this.config = config.live();
        this.published = Counter.builder("vigil.metrics.live.events")
                .description("metrics.live events this replica published (one per active series per tick)")
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            start();
        }
    }

    /** Starts ticking on a thread of its own. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "metrics-live");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops ticking; the lock expires after {@code lock-ttl} and another replica takes over. */
    @PreDestroy
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    private void loop() {
        long interval = config.interval().toMillis();
        while (running) {
            long now = System.currentTimeMillis();
            long slot = now / interval + 1;
            try {
                Thread.sleep(Math.max(0, slot * interval - now));
            } catch (InterruptedException e) {
                return;
            }
            try {
                tick(slot);
            } catch (RuntimeException e) {
                Log.warnf("live signal, tick %d: %s", slot, e.getMessage());
            }
        }
    }

    /** Publishes the rolling window of every active series if this replica's turn; returns the events published. */
    public int tick(long slot) {
        long interval = config.interval().toMillis();
        boolean mine = redis.sendAndAwait(Request.cmd(Command.EVAL).arg(LuaScripts.LIVE_TURN).arg(2)
                .arg(RedisKeys.LIVE_LOCK).arg(RedisKeys.LIVE_SLOT).arg(token).arg(config.lockTtl().toMillis())
                .arg(slot).arg(SLOT_MARKER_TTL_MS)).toLong() == 1;
        if (!mine) {
            return 0;
        }
        long nowMs = slot * interval;
        long windowStart = Resolution.RAW.bucketStart(nowMs - config.window().toMillis());
        Set<Long> starts = new TreeSet<>();
        for (long s = windowStart; s <= Resolution.RAW.bucketStart(nowMs); s += Resolution.RAW.seconds()) {
            starts.add(s);
        }
        Map<SeriesKey, Merged> series = new LinkedHashMap<>();
        for (Rollup r : reader.read(Resolution.RAW, starts, Optional.empty())) {
            series.computeIfAbsent(r.key(), k -> new Merged()).add(r);
        }
        long seconds = Math.max(1, (nowMs - windowStart * 1000 + 999) / 1000);
        List<EventEnvelope> events = new ArrayList<>(series.size());
        series.forEach((key, m) -> {
            if (m.histogram.count() > 0) {
                String id = UUID.nameUUIDFromBytes(("live|" + key.id() + "|" + slot).getBytes(StandardCharsets.UTF_8))
                        .toString();
                events.add(publisher.envelope(id, TYPE, VERSION,
                        RollupEvent.of(key, m.histogram, m.warn, m.critical, windowStart, seconds)));
            }
        });
        publisher.publishAll(Streams.METRICS_LIVE, events, config.maxLength());
        published.increment(events.size());
        return events.size();
    }

    private static final class Merged {
        final Histogram histogram = new Histogram();
        long warn;
        long critical;

        void add(Rollup r) {
            r.addTo(histogram);
            warn += r.warn();
            critical += r.critical();
        }
    }
}
