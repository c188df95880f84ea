package io.vigil.metrics.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.metrics.config.MetricsConfig;
import io.vigil.metrics.domain.SeriesKey;

/**
 * The cardinality caps on every free-form label, shared by all replicas (one Redis ZSET each, scored by last use):
 * at most {@code max-services} services, {@code max-methods-per-service} methods and {@code max-endpoints-per-service}
 * endpoints per service. A value over its cap is folded into {@code other} ({@code OTHER} for methods) everywhere
 * (Prometheus, buckets, queries); a value unused for {@code cap-idle} is forgotten and its slot freed. Status classes
 * are bounded by construction. Decisions are cached per replica for a short while, so a series costs a script call
 * per replica only now and then.
 */
@ApplicationScoped
public class CardinalityCap {

    public static final String OTHER = "other";
    public static final String OTHER_METHOD = "OTHER";

    private record Decision(boolean admitted, long untilMs) {
    }

    private final Redis redis;
    private final MetricsConfig.Prometheus config;
    private final long idleMs;
    private final long recheckMs;
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();

    public CardinalityCap(Redis redis, MetricsConfig config) {
        this.redis = redis;
        this.config = config.prometheus();
        this.idleMs = this.config.capIdle().toMillis();
        // Re-asserting admitted values well within the idle time keeps them from being forgotten while in use.
        this.recheckMs = Math.max(50, Math.min(idleMs / 4, 60_000));
    }

    /** The key with every label over its cap folded. Blocking (a script call when a decision is not cached). */
    public SeriesKey admit(SeriesKey key) {
        String service = admitted(RedisKeys.CAP_SERVICES, "s|" + key.service(), key.service(), config.maxServices())
                ? key.service() : OTHER;
        String method = admitted(RedisKeys.capMethods(service), "m|" + service + "|" + key.method(), key.method(),
                config.maxMethodsPerService()) ? key.method() : OTHER_METHOD;
        String endpoint = admitted(RedisKeys.capEndpoints(service), "e|" + service + "|" + key.endpoint(),
                key.endpoint(), config.maxEndpointsPerService()) ? key.endpoint() : OTHER;
        if (service.equals(key.service()) && method.equals(key.method()) && endpoint.equals(key.endpoint())) {
            return key;
        }
        return new SeriesKey(service, endpoint, method, key.statusClass());
    }

    private boolean admitted(String zset, String cacheKey, String value, int cap) {
        if (OTHER.equals(value) || OTHER_METHOD.equals(value)) {
            return true;
        }
        long now = System.currentTimeMillis();
        Decision known = decisions.get(cacheKey);
        if (known != null && known.untilMs() > now) {
            return known.admitted();
        }
        boolean admitted = redis.sendAndAwait(Request.cmd(Command.EVAL).arg(LuaScripts.ADMIT_LABEL).arg(1)
                .arg(zset).arg(value).arg(cap).arg(now).arg(idleMs)).toLong() == 1;
        decisions.put(cacheKey, new Decision(admitted, now + recheckMs));
        return admitted;
    }
}
