package io.vigil.cache.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.domain.NewValue;
import io.vigil.cache.l1.L1Cache;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.store.EntryStore;
import io.vigil.cache.store.JobStore;
import io.vigil.common.problem.ProblemException;

/**
 * Long runs as pollable jobs: invalidation by glob pattern (ZSCAN of the namespace's key index in batches, never
 * KEYS or SCAN), namespace flush, and warming (by loader or from given values). Progress is in Redis. Two lanes:
 * invalidations never wait behind warming jobs (which may call a slow origin for minutes). While a job runs, this
 * replica beats for it every few seconds; a poll of a job whose replica stopped beating marks it failed.
 */
@ApplicationScoped
public class Jobs {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final EntryStore store;
    private final JobStore jobs;
    private final L1Cache l1;
    private final CacheMetrics metrics;
    private final Loads loads;
    private final CacheService cache;
    private final CacheServiceConfig config;
    private static final Duration BEAT = Duration.ofSeconds(5);

    private final ExecutorService invalidations = lane("cache-jobs-invalidate");
    private final ExecutorService warming = lane("cache-jobs-warm");
    /** Jobs running on this replica (namespace, id), beaten for every {@link #BEAT}. */
    private final Set<Map.Entry<String, String>> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-jobs-beat");
        t.setDaemon(true);
        return t;
    });

    private static ExecutorService lane(String name) {
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public Jobs(EntryStore store, JobStore jobs, L1Cache l1, CacheMetrics metrics, Loads loads, CacheService cache,
            CacheServiceConfig config) {
        this.store = store;
        this.jobs = jobs;
        this.l1 = l1;
        this.metrics = metrics;
        this.loads = loads;
        this.cache = cache;
        this.config = config;
        beats.scheduleWithFixedDelay(this::beat, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        invalidations.shutdownNow();
        warming.shutdownNow();
        beats.shutdownNow();
    }

    private void beat() {
        for (Map.Entry<String, String> job : running) {
            try {
                jobs.beat(job.getKey(), job.getValue());
            } catch (RuntimeException e) {
                Log.debugf("beat of job %s failed: %s", job.getValue(), e.getMessage());
            }
        }
    }

    /** Runs the job on its lane, beating for it until it ends. */
    private void submit(ExecutorService lane, String ns, String id, Runnable job) {
        Map.Entry<String, String> key = Map.entry(ns, id);
        running.add(key);
        lane.submit(() -> {
            try {
                job.run();
            } finally {
                running.remove(key);
            }
        });
    }

    /** Deletes every key matching the glob; with {@code namespace}, all keys and a namespace-wide L1 mark. */
    public String invalidatePattern(String ns, String glob, boolean namespace) {
        String id = create(ns, namespace ? "invalidate-namespace" : "invalidate-pattern", -1, glob);
        submit(invalidations, ns, id, () -> {
            long done = 0;
            try {
                String cursor = "0";
                do {
                    EntryStore.KeyPage page = store.scan(ns, glob, cursor, config.scanBatch()).await()
                            .atMost(STEP_TIMEOUT);
                    if (!page.keys().isEmpty()) {
                        EntryStore.Deleted d = store.delete(ns, page.keys()).await().atMost(STEP_TIMEOUT);
                        for (String key : page.keys()) {
                            l1.invalidate(ns, key, d.id());
                        }
                        done += d.count();
                        jobs.progress(ns, id, done, 0);
                    }
                    cursor = page.cursor();
                } while (!"0".equals(cursor));
                if (namespace) {
                    l1.invalidateAll(ns, store.markNamespace(ns).await().atMost(STEP_TIMEOUT));
                }
                metrics.invalidations(ns, namespace ? "namespace" : "pattern", done);
                jobs.finish(ns, id, done, 0, null);
            } catch (RuntimeException e) {
                fail(ns, id, done, 0, e);
            }
        });
        return id;
    }

    /** Loads each key through the namespace's loader (keys already fresh are skipped by the load itself). */
    public String warmByLoader(String ns, NamespaceSettings settings, List<String> keys) {
        if (!settings.hasLoader()) {
            throw ProblemException.invalid("keys", "namespace '" + ns + "' has no loaderUrl to warm from");
        }
        String id = create(ns, "warm-load", keys.size(), keys.size() + " keys");
        submit(warming, ns, id, () -> {
            long done = 0;
            long failed = 0;
            for (String key : keys) {
                try {
                    loads.loadBlocking(ns, settings, key);
                    done++;
                } catch (RuntimeException e) {
                    failed++;
                }
                if ((done + failed) % 50 == 0) {
                    jobs.progress(ns, id, done, failed);
                }
            }
            jobs.finish(ns, id, done, failed, null);
        });
        return id;
    }

    /** Stores given values in batches of maxBatch (one round trip each). */
    public String warmFromValues(String ns, NamespaceSettings settings, List<NewValue> values) {
        String id = create(ns, "warm-values", values.size(), values.size() + " entries");
        submit(warming, ns, id, () -> {
            long done = 0;
            try {
                for (int i = 0; i < values.size(); i += config.maxBatch()) {
                    List<NewValue> batch = new ArrayList<>(values.subList(i, Math.min(values.size(),
                            i + config.maxBatch())));
                    cache.put(ns, settings, batch).await().atMost(STEP_TIMEOUT);
                    done += batch.size();
                    jobs.progress(ns, id, done, 0);
                }
                jobs.finish(ns, id, done, 0, null);
            } catch (RuntimeException e) {
                fail(ns, id, done, values.size() - done, e);
            }
        });
        return id;
    }

    private String create(String ns, String kind, long total, String detail) {
        try {
            return jobs.create(ns, kind, total, detail);
        } catch (RuntimeException e) {
            throw RedisUnavailable.problem(e);
        }
    }

    private void fail(String ns, String id, long done, long failed, RuntimeException e) {
        Log.warnf("job %s of namespace %s failed: %s", id, ns, e.getMessage());
        try {
            jobs.finish(ns, id, done, failed, e.getMessage());
        } catch (RuntimeException again) {
            Log.warnf("job %s: cannot record its failure: %s", id, again.getMessage());
        }
    }
}
