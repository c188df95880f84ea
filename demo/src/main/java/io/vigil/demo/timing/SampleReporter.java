package io.vigil.demo.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.runtime.StartupEvent;
import io.vigil.demo.DemoConfig;

/**
 * Sends request timings to metrics-service the fast way its README describes: one {@code XADD vigil:ingest:samples}
 * per interval carrying a JSON array, so reporting costs the shop one Redis round trip per interval, not per request.
 * If Redis is down the samples of that interval are dropped (a shop must never block on its monitoring).
 */
@ApplicationScoped
public class SampleReporter {

    static final String STREAM = "vigil:ingest:samples";
    private static final int MAX_PER_ENTRY = 500;

    private final Queue<Sample> pending = new ConcurrentLinkedQueue<>();
    private final StreamCommands<String, String, String> streams;
    private final ObjectMapper mapper;
    private final DemoConfig config;
    // Its own timer: Quarkus' scheduler ticks at 1 s at the finest, and samples should reach Vigil sooner.
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    public SampleReporter(RedisDataSource redis, ObjectMapper mapper, DemoConfig config) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.mapper = mapper;
        this.config = config;
    }

    void start(@Observes StartupEvent started) {
        long every = config.reportInterval().toMillis();
        timer.scheduleWithFixedDelay(this::flush, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        flush();
    }

    void record(Sample sample) {
        pending.add(sample);
    }

    void flush() {
        List<Sample> batch = new ArrayList<>();
        for (Sample s; (s = pending.poll()) != null;) {
            batch.add(s);
            if (batch.size() == MAX_PER_ENTRY) {
                send(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    private void send(List<Sample> batch) {
        try {
            streams.xadd(STREAM, Map.of("samples", mapper.writeValueAsString(batch)));
        } catch (JsonProcessingException | RuntimeException e) {
            Log.warnf("dropped %d samples: Redis unavailable (%s)", batch.size(), e.getMessage());
        }
    }
}
