package io.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.LuaScript;
import io.vigil.common.redis.PipelinedConnections;
import io.vigil.testing.RedisServerResource;

/**
 * Scripts with binary arguments: every byte value, and sequences that are not UTF-8, reach Redis and come back
 * unchanged; the first call finds the script not cached (NOSCRIPT) and falls back to EVAL, the next uses EVALSHA.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class LuaScriptTest {

    private static final LuaScript STORE_AND_ECHO = LuaScript.load("lua/store-and-echo.lua");

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    io.vertx.core.Vertx vertx;

    @Test
    void binaryArgumentsAndRepliesRoundTripUnchanged() {
        byte[] value = new byte[512];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i; // 0x00..0xFF twice: NUL, lone continuation bytes, 0xFF (never UTF-8)
        }
        String key = "vigil:test:lua:" + UUID.randomUUID();
        for (int call = 0; call < 2; call++) {
            Response r = STORE_AND_ECHO.runBinary(redis, List.of(key), List.of(value, 42L)).await().indefinitely();
            assertThat(r.get(0).toBytes()).as("call %d", call).isEqualTo(value);
            assertThat(r.get(1).toLong()).isEqualTo(42L);
        }
        // the text API is unchanged
        Response text = STORE_AND_ECHO.run(redis, List.of(key), List.of("héllo", "7")).await().indefinitely();
        assertThat(text.get(0).toString()).isEqualTo("héllo");
    }

    @Test
    void theBareVertxCallFallsBackToEvalAfterTheScriptCacheIsFlushed() throws Exception {
        String key = "vigil:test:lua:" + UUID.randomUUID();
        PipelinedConnections connections = new PipelinedConnections(redis.getRedis().getDelegate());
        io.vertx.core.Context eventLoop = vertx.getOrCreateContext();
        try {
            for (int call = 0; call < 3; call++) {
                if (call == 2) {
                    redis.execute("SCRIPT", "FLUSH").await().indefinitely(); // as after a Redis restart
                }
                String value = "v" + call;
                // on an event loop, as the request paths call it (their own pipelined connection)
                io.vertx.redis.client.Response r = EventLoops.call(eventLoop,
                        () -> STORE_AND_ECHO.send(connections, List.of(key), List.of(value, "7")));
                assertThat(r.get(0).toString()).as("call %d", call).isEqualTo("v" + call);
                assertThat(r.get(1).toLong()).isEqualTo(7L);
            }
        } finally {
            connections.close();
        }
    }
}
