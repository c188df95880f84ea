package io.vigil.cache.store;

/**
 * Every Redis key of cache-service. All keys of one namespace share the hash tag {@code {ns}}, so each script and
 * each multi-key call touches one slot and the service runs on Redis Cluster; nothing SCANs the keyspace (on a
 * cluster SCAN sees one node): pattern and namespace invalidations ZSCAN the namespace's key index. A limiter's keys
 * share {@code {<policy>:<subject>}}, so the subjects of one policy spread over the cluster's masters.
 *
 * <table>
 * <tr><td>{@code vigil:c:{ns}:e:<key>}</td><td>hash</td><td>one entry (v, ct, z, tags, ver, exp, ttl); PEXPIRE ttl + stale grace</td></tr>
 * <tr><td>{@code vigil:c:{ns}:t:<tag>}</td><td>set</td><td>tag index: names of the keys carrying the tag; expires with its longest-lived member</td></tr>
 * <tr><td>{@code vigil:c:{ns}:keys}</td><td>zset</td><td>key index: key name → when its hash expires (ms); expired members pruned by every put</td></tr>
 * <tr><td>{@code vigil:c:{ns}:inv}</td><td>stream</td><td>invalidations (op put|del|ns, keys), MAXLEN ~ vigil.cache.invalidation-stream-length</td></tr>
 * <tr><td>{@code vigil:c:{ns}:l:<key>}</td><td>string</td><td>single-flight load lock holding its fencing token; PX lock TTL; deleted by every write of the key (fences older loads)</td></tr>
 * <tr><td>{@code vigil:c:{ns}:fence}</td><td>string</td><td>fencing-token counter</td></tr>
 * <tr><td>{@code vigil:c:{ns}:job:<id>}</td><td>hash</td><td>progress of a pattern/namespace invalidation or warming job; TTL job retention</td></tr>
 * <tr><td>{@code vigil:c:jobs}</td><td>zset</td><td>recent jobs of every namespace: {@code <ns>/<id>} → start (ms × 1000 + a counter, for order within a ms); trimmed to job retention and the newest 1,000 by every new job</td></tr>
 * <tr><td>{@code vigil:c:namespaces}</td><td>hash</td><td>namespaces created by the admin API: name → settings JSON</td></tr>
 * <tr><td>{@code vigil:rl:policies}</td><td>hash</td><td>rate-limit policies created by the admin API: name → JSON</td></tr>
 * <tr><td>{@code vigil:rl:{<policy>:<subject>}}</td><td>string / zset</td><td>GCRA theoretical arrival time / sliding log; expires when the quota is full</td></tr>
 * <tr><td>{@code vigil:rl:{<policy>:<subject>}:seq}</td><td>string</td><td>sliding log member counter</td></tr>
 * </table>
 */
public final class CacheKeys {

    public static final String NAMESPACES = "vigil:c:namespaces";
    /** Index of recent jobs (outside every namespace's slot: never used inside a script). */
    public static final String JOBS = "vigil:c:jobs";
    public static final String POLICIES = "vigil:rl:policies";

    private CacheKeys() {
    }

    public static String prefix(String ns) {
        return "vigil:c:{" + ns + "}:";
    }

    public static String entry(String ns, String key) {
        return prefix(ns) + "e:" + key;
    }

    /** The key index of a namespace (sorted set of key names); derived from the prefix in the scripts too. */
    public static String index(String ns) {
        return prefix(ns) + "keys";
    }

    public static String tag(String ns, String tag) {
        return prefix(ns) + "t:" + tag;
    }

    public static String stream(String ns) {
        return prefix(ns) + "inv";
    }

    public static String lock(String ns, String key) {
        return prefix(ns) + "l:" + key;
    }

    public static String fence(String ns) {
        return prefix(ns) + "fence";
    }

    public static String job(String ns, String id) {
        return prefix(ns) + "job:" + id;
    }

    /**
     * A subject's limiter key (its sliding log's counter appends {@code :seq}). A '}' in the subject ends the hash
     * tag early, but inside both keys alike, so they still share a slot.
     */
    public static String limiter(String policy, String subject) {
        return "vigil:rl:{" + policy + ":" + subject + "}";
    }
}
