package io.vigil.cache.store;

import java.util.List;
import java.util.Map;
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
import io.vigil.cache.domain.Decision;
import io.vigil.cache.domain.RatePolicy;
import io.vigil.cache.store.Scripts.Script;
import io.vigil.common.problem.ProblemException;

/**
 * Rate-limit policies (configuration plus hash {@code vigil:rl:policies}, kept in memory and refreshed every 2 s)
 * and decisions: one Lua script per decision, so replicas sharing one Redis share one exact limit.
 */
@ApplicationScoped
public class RateLimits {

    private final Scripts scripts;
    private final ObjectMapper mapper;
    private final CacheServiceConfig config;
    private final HashCommands<String, String, String> hashes;
    private final ReactiveHashCommands<String, String, String> reactiveHashes;
    private final Map<String, RatePolicy> known = new ConcurrentHashMap<>();

    public RateLimits(Scripts scripts, ObjectMapper mapper, CacheServiceConfig config, RedisDataSource redis,
            ReactiveRedisDataSource reactive) {
        this.scripts = scripts;
        this.mapper = mapper;
        this.config = config;
        this.hashes = redis.hash(String.class);
        this.reactiveHashes = reactive.hash(String.class);
        config.ratelimit().forEach((name, p) -> known.put(name, new RatePolicy(p.limit(), p.windowMs(),
                p.algorithm())));
    }

    public Map<String, RatePolicy> all() {
        return new TreeMap<>(known);
    }

    public boolean configured(String name) {
        return config.ratelimit().containsKey(name);
    }

    /** The policy when it is in memory (every configured one, and admin ones once seen), else null: no Uni. */
    public RatePolicy known(String name) {
        return known.get(name);
    }

    public Uni<RatePolicy> require(String name) {
        RatePolicy p = known.get(name);
        if (p != null) {
            return Uni.createFrom().item(p);
        }
        return reactiveHashes.hget(CacheKeys.POLICIES, name).map(json -> {
            if (json == null) {
                throw ProblemException.notFound("rate-limit policy '" + name + "' does not exist");
            }
            RatePolicy parsed = parse(json);
            known.put(name, parsed);
            return parsed;
        });
    }

    public void save(String name, RatePolicy policy) {
        try {
            hashes.hset(CacheKeys.POLICIES, name, mapper.writeValueAsString(policy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        known.put(name, policy);
    }

    public void delete(String name) {
        hashes.hdel(CacheKeys.POLICIES, name);
        known.remove(name);
        if (configured(name)) {
            CacheServiceConfig.Policy p = config.ratelimit().get(name);
            known.put(name, new RatePolicy(p.limit(), p.windowMs(), p.algorithm()));
        }
    }

    public Uni<Decision> decide(String name, RatePolicy policy, String subject, long cost) {
        String key = CacheKeys.limiter(name, subject);
        List<String> args = List.of(Long.toString(policy.limit()), Long.toString(policy.windowMs()),
                Long.toString(cost));
        Uni<io.vertx.mutiny.redis.client.Response> run = RatePolicy.GCRA.equals(policy.algorithm())
                ? scripts.run(Script.GCRA, List.of(key), args)
                : scripts.run(Script.SLIDING_WINDOW, List.of(key, key + ":seq"), args);
        return run.map(r -> new Decision(r.get(0).toLong() == 1, r.get(1).toLong(), r.get(2).toLong(),
                r.get(3).toLong(), r.get(4).toLong()));
    }

    /** {@link #decide} through {@link Scripts#call}: the hot path, no Mutiny (issue 19). */
    public io.vertx.core.Future<Decision> decideNow(String name, RatePolicy policy, String subject, long cost) {
        String key = CacheKeys.limiter(name, subject);
        List<String> args = List.of(Long.toString(policy.limit()), Long.toString(policy.windowMs()),
                Long.toString(cost));
        return (RatePolicy.GCRA.equals(policy.algorithm())
                ? scripts.call(Script.GCRA, List.of(key), args)
                : scripts.call(Script.SLIDING_WINDOW, List.of(key, key + ":seq"), args))
                .map(r -> new Decision(r.get(0).toLong() == 1, r.get(1).toLong(), r.get(2).toLong(),
                        r.get(3).toLong(), r.get(4).toLong()));
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            Map<String, String> stored = hashes.hgetall(CacheKeys.POLICIES);
            stored.forEach((name, json) -> known.put(name, parse(json)));
            for (String name : known.keySet()) {
                if (!stored.containsKey(name) && !configured(name)) {
                    known.remove(name);
                }
            }
        } catch (RuntimeException e) {
            Log.debugf("policy refresh failed: %s", e.getMessage());
        }
    }

    private RatePolicy parse(String json) {
        try {
            return mapper.readValue(json, RatePolicy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable policy: " + e.getMessage(), e);
        }
    }
}
