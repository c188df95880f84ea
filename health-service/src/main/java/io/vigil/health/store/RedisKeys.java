package io.vigil.health.store;

/**
 * Every Redis key health-service uses (the README has the same table). The schedule keys share one hash tag (one
 * script claims from both); each target's state has its own.
 */
public final class RedisKeys {

    /** ZSET target → next due time (epoch ms). */
    public static final String DUE = "vigil:h:{sched}:due";

    /** HASH target → interval (ms). */
    public static final String INTERVALS = "vigil:h:{sched}:intervals";

    /** STRING counter bumped on every change of API targets or maintenance windows: replicas reload when it moves. */
    public static final String CONFIG_VERSION = "vigil:h:config-version";

    /** HASH of one target's current state (state, lastOutcome, streak, reason, checkedAt, ..., pending transition). */
    public static String state(String target) {
        return "vigil:h:{t:" + target + "}:state";
    }

    /** HASH of one target's last 25 hours for the status page: {@code <hourStart>:n}, {@code :up}, {@code :w}. */
    public static String hours(String target) {
        return "vigil:h:{t:" + target + "}:hours";
    }

    /** LIST of one target's latest 40 latencies (ms), newest first: the status page's sparkline. */
    public static String recent(String target) {
        return "vigil:h:{t:" + target + "}:recent";
    }

    private RedisKeys() {
    }
}
