package io.vigil.queue.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Uni;
import io.vigil.common.problem.ProblemException;
import io.vigil.queue.config.QueueServiceConfig;
import io.vigil.queue.domain.QueueSettings;

/**
 * Which queues exist and their settings. Settings live in each queue's meta hash so every replica (and every script)
 * sees the same ones; queues declared in config are created when missing, also after Redis lost its data.
 */
@ApplicationScoped
public class QueueRegistry {

    private static final long CACHE_MS = 2000;

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final QueueServiceConfig config;
    private final LuaScripts scripts;
    private volatile Set<String> cached = Set.of();
    private volatile long cachedAt;

    public QueueRegistry(RedisDataSource redis, ReactiveRedisDataSource reactive, QueueServiceConfig config,
            LuaScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
        this.reactive = reactive;
        this.config = config;
    }

    /** Known queue names, cached briefly (the sweeper and metrics call this often). */
    public Set<String> names() {
        if (System.currentTimeMillis() - cachedAt > CACHE_MS) {
            Set<String> names = new TreeSet<>(redis.set(String.class).smembers(QueueKeys.REGISTRY));
            names.addAll(config.queues().keySet());
            cached = Set.copyOf(names);
            cachedAt = System.currentTimeMillis();
        }
        return cached;
    }

    /**
     * {@link #names()} for a scheduled task that loops over every queue: no names (and a debug line) while Redis is
     * unreachable, so the task simply runs again on its next tick.
     */
    public Set<String> namesOrNone(String task) {
        try {
            return names();
        } catch (RuntimeException e) {
            Log.debugf("%s skipped (Redis down?): %s", task, e.getMessage());
            return Set.of();
        }
    }

    /** Creates the configured queues that Redis does not have (start-up, or after Redis lost its data). */
    public void seedConfigured() {
        config.queues().forEach((name, defaults) -> {
            QueueKeys keys = QueueKeys.of(name);
            if (!redis.key().exists(keys.meta())) {
                Log.infof("creating configured queue %s", name);
                redis.hash(String.class).hset(keys.meta(), QueueSettings.of(defaults).toHash());
            }
            redis.set(String.class).sadd(QueueKeys.REGISTRY, name);
        });
    }

    public boolean isConfigured(String queue) {
        return config.queues().containsKey(queue);
    }

    /** Recreates one configured queue's settings (reactive: called from request paths on NOQUEUE). */
    public Uni<Void> seed(String queue) {
        QueueSettings settings = QueueSettings.of(config.queues().get(queue));
        QueueKeys keys = QueueKeys.of(queue);
        return reactive.hash(String.class).hsetnx(keys.meta(), "maxAttempts", Integer.toString(settings.maxAttempts()))
                .chain(created -> created
                        ? reactive.hash(String.class).hset(keys.meta(), settings.toHash()).replaceWithVoid()
                        : Uni.createFrom().voidItem())
                .chain(() -> reactive.set(String.class).sadd(QueueKeys.REGISTRY, queue)).replaceWithVoid();
    }

    /** Fails with 404 unless the queue exists (a configured one is recreated if Redis lost it). */
    public Uni<Void> require(String queue) {
        if (cached.contains(queue) && System.currentTimeMillis() - cachedAt <= CACHE_MS) {
            return Uni.createFrom().voidItem();
        }
        return reactive.key().exists(QueueKeys.of(queue).meta()).chain(exists -> {
            if (exists) {
                return Uni.createFrom().voidItem();
            }
            if (isConfigured(queue)) {
                return seed(queue);
            }
            return Uni.createFrom().failure(unknown(queue));
        });
    }

    public Optional<QueueSettings> find(String queue) {
        Map<String, String> hash = redis.hash(String.class).hgetall(QueueKeys.of(queue).meta());
        if (hash.isEmpty() && isConfigured(queue)) {
            seed(queue).await().indefinitely();
            hash = redis.hash(String.class).hgetall(QueueKeys.of(queue).meta());
        }
        return hash.isEmpty() ? Optional.empty() : Optional.of(QueueSettings.fromHash(hash));
    }

    public QueueSettings get(String queue) {
        return find(queue).orElseThrow(() -> unknown(queue));
    }

    public QueueSettings defaults() {
        return QueueSettings.of(config.defaults());
    }

    /**
     * Changes only the given settings fields of an existing queue (each field atomically, so a pause and a settings
     * change at the same time both stay); empty when the queue does not exist.
     */
    public Optional<QueueSettings> update(String queue, Map<String, String> fields) {
        if (!fields.isEmpty()) {
            List<String> args = new ArrayList<>(fields.size() * 2);
            fields.forEach((field, value) -> {
                args.add(field);
                args.add(value);
            });
            long changed = scripts.run(LuaScripts.Script.UPDATE_SETTINGS, List.of(QueueKeys.of(queue).meta()), args)
                    .await().atMost(java.time.Duration.ofSeconds(10)).toLong();
            if (changed == 0) {
                return Optional.empty();
            }
        }
        return find(queue);
    }

    public QueueSettings save(String queue, QueueSettings settings) {
        redis.hash(String.class).hset(QueueKeys.of(queue).meta(), settings.toHash());
        redis.set(String.class).sadd(QueueKeys.REGISTRY, queue);
        cachedAt = 0;
        return settings;
    }

    /** Deletes a queue and every key of it (jobs included). */
    public void delete(String queue) {
        QueueKeys keys = QueueKeys.of(queue);
        get(queue);
        List<String> batch = new ArrayList<>(keys.fixedKeys());
        for (String key : redis.key().scan(new KeyScanArgs().match(keys.prefix() + "*").count(1000)).toIterable()) {
            batch.add(key);
            if (batch.size() >= 500) {
                redis.key().del(batch.toArray(String[]::new));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            redis.key().del(batch.toArray(String[]::new));
        }
        redis.set(String.class).srem(QueueKeys.REGISTRY, queue);
        cachedAt = 0;
    }

    public static ProblemException unknown(String queue) {
        return ProblemException.notFound("queue '" + queue + "' does not exist");
    }
}
