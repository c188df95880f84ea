package io.vigil.cache.store;

/**
 * Every Redis key of cache-service. All keys of one namespace share the hash tag {@code {ns}}, so each script
 * touches one slot and the service runs on Redis Cluster.
 *
 * <table>
 * <tr><td>{@code vigil:c:{ns}:e:<key>}</td><td>hash</td><td>one entry (v, ct, z, tags, ver, exp, ttl); PEXPIRE ttl + stale grace</td></tr>
 * <tr><td>{@code vigil:c:{ns}:t:<tag>}</td><td>set</td><td>tag index: names of the keys carrying the tag; expires with its longest-lived member</td></tr>
 * <tr><td>{@code vigil:c:{ns}:inv}</td><td>stream</td><td>invalidations (op put|del|ns, keys), MAXLEN ~ vigil.cache.invalidation-stream-length</td></tr>
 * <tr><td>{@code vigil:c:{ns}:l:<key>}</td><td>string</td><td>single-flight load lock holding its fencing token; PX lock TTL</td></tr>
 * <tr><td>{@code vigil:c:{ns}:fence}</td><td>string</td><td>fencing-token counter</td></tr>
 * <tr><td>{@code vigil:c:{ns}:job:<id>}</td><td>hash</td><td>progress of a pattern/namespace invalidation or warming job; TTL job retention</td></tr>
 * <tr><td>{@code vigil:c:namespaces}</td><td>hash</td><td>namespaces created by the admin API: name → settings JSON</td></tr>
 * <tr><td>{@code vigil:rl:policies}</td><td>hash</td><td>rate-limit policies created by the admin API: name → JSON</td></tr>
 * <tr><td>{@code vigil:rl:{<policy>}:<subject>}</td><td>string / zset</td><td>GCRA theoretical arrival time / sliding log; expires when the quota is full</td></tr>
 * <tr><td>{@code vigil:rl:{<policy>}:<subject>:seq}</td><td>string</td><td>sliding log member counter</td></tr>
 * </table>
 */
public final class CacheKeys {

    public static final String NAMESPACES = "vigil:c:namespaces";
    public static final String POLICIES = "vigil:rl:policies";

    private CacheKeys() {
    }

    public static String prefix(String ns) {
        return "vigil:c:{" + ns + "}:";
    }

    public static String entry(String ns, String key) {
        return prefix(ns) + "e:" + key;
    }

    /** The part of an entry key before the user's key: SCAN results are stripped of it. */
    public static String entryPrefix(String ns) {
        return prefix(ns) + "e:";
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

    public static String limiter(String policy, String subject) {
        return "vigil:rl:{" + policy + "}:" + subject;
    }

    /** Escapes glob metacharacters so a literal prefix can head a SCAN MATCH pattern. */
    public static String globLiteral(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
