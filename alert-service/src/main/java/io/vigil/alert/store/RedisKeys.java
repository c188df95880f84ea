package io.vigil.alert.store;

/**
 * Every Redis key of alert-service. MongoDB holds the durable state (rules, alerts, history, silences, routing,
 * groups); Redis holds only what replicas must share while evaluating.
 *
 * | key | type | TTL | content |
 * |---|---|---|---|
 * | {@code vigil:alert:series:{s|e|m}} | hash | 1 h (live) / window (rollup) | status class (or class and bucket) → recent values |
 * | {@code vigil:alert:health:{group}} | hash | 7 d | target → state |
 * | {@code vigil:alert:queue:{q}:<type>} | zset | longest window | queue event ids by time |
 * | {@code vigil:alert:seen} | hash | – | absence rule id → last time matching data arrived |
 * | {@code vigil:alert:{scheduler}:leader} | string | leader lease | instance running the timers |
 */
public final class RedisKeys {

    public static final String SEEN = "vigil:alert:seen";
    public static final String LEADER = "vigil:alert:{scheduler}:leader";

    public static String series(String signal, String service, String endpoint, String method) {
        return "vigil:alert:series:" + signal + ":{" + service + "|" + endpoint + "|" + method + "}";
    }

    public static String healthGroup(String group) {
        return "vigil:alert:health:{" + group + "}";
    }

    public static String queueEvents(String queue, String type) {
        return "vigil:alert:queue:{" + queue + "}:" + type;
    }

    private RedisKeys() {
    }
}
