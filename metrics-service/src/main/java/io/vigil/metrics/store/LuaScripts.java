package io.vigil.metrics.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Lua scripts under {@code src/main/resources/scripts}, one file per atomic operation. */
public final class LuaScripts {

    public static final String FLUSH_BUCKET = load("flush_bucket");
    public static final String CLAIM_BUCKETS = load("claim_buckets");
    public static final String ADMIT_ENDPOINT = load("admit_endpoint");

    private static String load(String name) {
        try (InputStream in = LuaScripts.class.getClassLoader().getResourceAsStream("scripts/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LuaScripts() {
    }
}
