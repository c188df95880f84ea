package io.vigil.metrics.store;

import io.vigil.metrics.domain.Resolution;

/**
 * Every Redis key metrics-service uses (the README has the same table with types and TTLs). Keys of one series share
 * the series hash tag; the per-bucket index and the open/closing sets have their own tag.
 */
public final class RedisKeys {

    /** HASH c, s, x, w, k, b&lt;index&gt; of one series in one bucket. */
    public static String bucket(String seriesId, Resolution res, long start) {
        return "vigil:m:{" + seriesId + "}:" + res.label() + ":" + start;
    }

    /** HASH run id → marks "&lt;seq&gt;:&lt;raw start&gt;" of the stream flushes merged into a series (flush_bucket.lua). */
    public static String applied(String seriesId) {
        return "vigil:m:{" + seriesId + "}:applied";
    }

    /** HASH flush token → the ingest-stream entry ids it holds, while the flush is unfinished (FlushJournal). */
    public static final String JOURNAL = "vigil:m:{journal}:flushes";

    /** HASH ingest-stream entry id → the token of the unfinished flush holding it (FlushJournal). */
    public static final String JOURNAL_ENTRIES = "vigil:m:{journal}:entries";

    /** SET of the series ids that have data in one bucket. */
    public static String bucketSeries(Resolution res, long start) {
        return "vigil:m:{" + res.label() + ":" + start + "}:series";
    }

    /**
     * HASH series id → id of the last {@code metrics.rollup} event published for it from one bucket (BucketCloser), so
     * a bucket closed again without a change publishes nothing again.
     */
    public static String published(Resolution res, long start) {
        return "vigil:m:{" + res.label() + ":" + start + "}:published";
    }

    /** ZSET of bucket starts with data not yet persisted (score = start). */
    public static String open(Resolution res) {
        return "vigil:m:{" + res.label() + "}:open";
    }

    /** ZSET of bucket starts being closed (score = lease deadline, epoch ms). */
    public static String closing(Resolution res) {
        return "vigil:m:{" + res.label() + "}:closing";
    }

    /**
     * HASH bucket start → how often it was closed, plus field {@link #CLOSED_EPOCH}; lets replicas validate their cache
     * of closed rollups.
     */
    public static String closedVersions(Resolution res) {
        return "vigil:m:{" + res.label() + "}:closed";
    }

    /**
     * Field of {@link #closedVersions} set once when the hash is created (HSETNX, a random id): if the hash is lost
     * and recreated, its counters restart at 1, and the new epoch keeps a replica from taking a cached "closed once"
     * from before the loss for the new "closed once".
     */
    public static final String CLOSED_EPOCH = "epoch";

    /** ZSET of admitted services (cardinality cap; score = last seen, epoch ms). */
    public static final String CAP_SERVICES = "vigil:m:{cap}:services";

    /** ZSET of a service's admitted methods (cardinality cap; score = last seen, epoch ms). */
    public static String capMethods(String service) {
        return "vigil:m:{svc:" + service + "}:cap:methods";
    }

    /** ZSET of a service's admitted endpoints (cardinality cap; score = last seen, epoch ms). */
    public static String capEndpoints(String service) {
        return "vigil:m:{svc:" + service + "}:cap:endpoints";
    }

    /** STRING counter of samples whose endpoint was folded into 'other'. */
    public static String folds(String service) {
        return "vigil:m:{svc:" + service + "}:folds";
    }

    /** LIST of the most recent slow requests of a service (JSON, newest first). */
    public static String slow(String service) {
        return "vigil:m:{svc:" + service + "}:slow";
    }

    /** STRING token of the replica publishing the live signal (PX lock TTL). */
    public static final String LIVE_LOCK = "vigil:m:{live}:lock";

    /** STRING last tick slot whose live signal was published (PX 60 s). */
    public static final String LIVE_SLOT = "vigil:m:{live}:slot";

    /** SET of every service that sent samples. */
    public static final String SERVICES = "vigil:m:services";

    /** HASH canonical-labels → value of one custom metric. */
    public static String custom(String name) {
        return "vigil:m:custom:{" + name + "}";
    }

    /** HASH custom metric name → type (counter or gauge). */
    public static final String CUSTOM_TYPES = "vigil:m:custom-types";

    private RedisKeys() {
    }
}
