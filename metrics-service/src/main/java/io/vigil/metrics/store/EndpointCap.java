package io.vigil.metrics.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vigil.metrics.config.MetricsConfig;

/**
 * The per-service endpoint cardinality cap, shared by all replicas through one Redis SET per service. Decisions are
 * cached: an admitted endpoint stays admitted, so each endpoint costs one script call per replica.
 */
@ApplicationScoped
public class EndpointCap {

    public static final String OTHER = "other";

    private final Redis redis;
    private final int cap;
    private final Map<String, Boolean> decisions = new ConcurrentHashMap<>();

    public EndpointCap(Redis redis, MetricsConfig config) {
        this.redis = redis;
        this.cap = config.prometheus().maxEndpointsPerService();
    }

    /** Whether the endpoint keeps its own series; if not, it is folded into {@link #OTHER}. Blocking. */
    public boolean admit(String service, String endpoint) {
        if (OTHER.equals(endpoint)) {
            return true;
        }
        String key = service + "|" + endpoint;
        Boolean known = decisions.get(key);
        if (known != null) {
            return known;
        }
        boolean admitted = redis.sendAndAwait(Request.cmd(Command.EVAL).arg(LuaScripts.ADMIT_ENDPOINT).arg(1)
                .arg(RedisKeys.endpoints(service)).arg(endpoint).arg(cap)).toLong() == 1;
        decisions.put(key, admitted);
        return admitted;
    }
}
