package io.vigil.metrics.store;

import io.vigil.common.redis.LuaScript;

/**
 * The Lua scripts under {@code src/main/resources/scripts}, one file per atomic operation. They are sent with EVAL
 * because they run inside pipelines (the flush also carries the stream XACKs), where a NOSCRIPT could not be retried
 * on its own.
 */
public final class LuaScripts {

    public static final String FLUSH_BUCKET = LuaScript.load("scripts/flush_bucket.lua").source();
    public static final String CLAIM_BUCKETS = LuaScript.load("scripts/claim_buckets.lua").source();
    public static final String LIVE_TURN = LuaScript.load("scripts/live_turn.lua").source();
    public static final String ADMIT_LABEL = LuaScript.load("scripts/admit_label.lua").source();

    private LuaScripts() {
    }
}
