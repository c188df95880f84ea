package io.vigil.cache.store;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.l1.L1Cache;
import io.vigil.common.problem.ProblemException;

/**
 * Namespaces: those in configuration plus those created by the admin API (hash {@code vigil:c:namespaces}, which
 * wins over configuration). Kept in memory so a cache hit never asks Redis about its namespace; refreshed every
 * 2 s and on a miss, so a namespace created on one replica is known to all.
 */
@ApplicationScoped
public class NamespaceRegistry {

    private final CacheServiceConfig config;
    private final ObjectMapper mapper;
    private final L1Cache l1;
    private final HashCommands<String, String, String> hashes;
    private final ReactiveHashCommands<String, String, String> reactiveHashes;
    private final Map<String, NamespaceSettings> known = new ConcurrentHashMap<>();

    public NamespaceRegistry(CacheServiceConfig config, ObjectMapper mapper, L1Cache l1, RedisDataSource redis,
            ReactiveRedisDataSource reactive) {
        this.config = config;
        this.mapper = mapper;
        this.l1 = l1;
        this.hashes = redis.hash(String.class);
        this.reactiveHashes = reactive.hash(String.class);
        config.namespaces().forEach((ns, d) -> register(ns, NamespaceSettings.of(d)));
    }

    public Set<String> names() {
        return new TreeMap<>(known).keySet();
    }

    /** The namespace's settings if this replica knows it already (no Redis call), else null. */
    public NamespaceSettings known(String ns) {
        return known.get(ns);
    }

    public Map<String, NamespaceSettings> all() {
        return new TreeMap<>(known);
    }

    public NamespaceSettings defaults() {
        return NamespaceSettings.of(config.defaults());
    }

    public boolean configured(String ns) {
        return config.namespaces().containsKey(ns);
    }

    /** The namespace's settings, from memory or else Redis; 404 problem when it does not exist. */
    public Uni<NamespaceSettings> require(String ns) {
        NamespaceSettings s = known.get(ns);
        if (s != null) {
            return Uni.createFrom().item(s);
        }
        return RedisTimeout.within(reactiveHashes.hget(CacheKeys.NAMESPACES, ns), config.redisTimeout()).map(json -> {
            if (json == null) {
                throw ProblemException.notFound("namespace '" + ns + "' does not exist");
            }
            NamespaceSettings parsed = parse(json);
            register(ns, parsed);
            return parsed;
        });
    }

    public NamespaceSettings get(String ns) {
        return require(ns).await().atMost(java.time.Duration.ofSeconds(5));
    }

    public void save(String ns, NamespaceSettings settings) {
        try {
            hashes.hset(CacheKeys.NAMESPACES, ns, mapper.writeValueAsString(settings));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        register(ns, settings);
    }

    /** Forgets an admin-created namespace (its entries are flushed by the caller); configured ones come back. */
    public void delete(String ns) {
        hashes.hdel(CacheKeys.NAMESPACES, ns);
        if (configured(ns)) {
            register(ns, NamespaceSettings.of(config.namespaces().get(ns)));
        } else {
            known.remove(ns);
            l1.remove(ns);
        }
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            Map<String, String> stored = hashes.hgetall(CacheKeys.NAMESPACES);
            stored.forEach((ns, json) -> register(ns, parse(json)));
            for (String ns : known.keySet()) {
                if (!stored.containsKey(ns) && !configured(ns)) {
                    known.remove(ns);
                    l1.remove(ns);
                }
            }
        } catch (RuntimeException e) {
            Log.debugf("namespace refresh failed: %s", e.getMessage());
        }
    }

    private void register(String ns, NamespaceSettings settings) {
        known.put(ns, settings);
        l1.configure(ns, settings);
    }

    private NamespaceSettings parse(String json) {
        try {
            return mapper.readValue(json, NamespaceSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable namespace settings: " + e.getMessage(), e);
        }
    }
}
