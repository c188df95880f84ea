package io.vigil.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vigil.common.redis.LuaScript;
import io.vigil.queue.client.Job;
import io.vigil.queue.client.QueueClient;
import io.vigil.queue.client.QueueClientException;
import io.vigil.queue.store.DirectContract;
import io.vigil.testing.RedisServer;
import io.vigil.testing.Resp;

/**
 * direct-enqueue.lua on its own (no queue-service running), as a producer in another language would call it: the
 * payload limit is baked into the text from configuration, and the script works with raw EVAL on a real Redis.
 */
class DirectEnqueueScriptTest {

    private static RedisServer server;
    private static Resp redis;

    @BeforeAll
    static void start() {
        server = new RedisServer(false).start();
        redis = new Resp(server.port());
    }

    @AfterAll
    static void stop() {
        redis.close();
        server.close();
    }

    @Test
    void theConfiguredPayloadLimitIsBakedIntoTheScript() {
        LuaScript script = LuaScript.load("lua/direct-enqueue.lua", Map.of("maxPayloadBytes", "1024"));
        LuaScript defaults = LuaScript.load("lua/direct-enqueue.lua");
        assertThat(script.source()).contains("local MAX_PAYLOAD_BYTES = 1024 -- @param maxPayloadBytes\n")
                .contains("local function enqueueOne(").doesNotContain("-- @include");
        assertThat(script.source().lines().count()).isEqualTo(defaults.source().lines().count());
        assertThat(script.sha()).isNotEqualTo(defaults.sha());

        redis.call("HSET", "vigil:q:{raw}:meta", "maxAttempts", "3", "completedRetentionMs", "60000");
        assertThatThrownBy(() -> eval(script, "raw", "[\"" + "x".repeat(1022) + "\"]"))
                .hasMessage("redis: ERR vigil: payload is 1026 bytes; the limit is 1024");
        @SuppressWarnings("unchecked")
        List<Object> reply = (List<Object>) eval(script, "raw", "[\"" + "x".repeat(1000) + "\"]", "high");
        assertThat(reply.get(1)).isEqualTo(0L);
        assertThat(reply.get(2)).isEqualTo("waiting");
        String id = (String) reply.get(0);
        assertThat(id).matches("[0-9a-z]+-1");
        assertThat(redis.call("HGET", "vigil:q:{raw}:job:" + id, "pri")).isEqualTo("10");
        assertThat(redis.call("HGET", "vigil:q:{raw}:job:" + id, "max")).isEqualTo("3");
        assertThat(redis.call("HGET", "vigil:q:{raw}:stats", "directPending")).isEqualTo("1");
    }

    @Test
    void theClientReconnectsAfterRedisRestartsAndReloadsTheScript() {
        // A server of its own, persistent as a production Redis: restarted, it keeps its data but not its scripts.
        try (RedisServer own = new RedisServer(true).start()) {
            LuaScript script = LuaScript.load("lua/direct-enqueue.lua");
            try (Resp admin = new Resp(own.port())) {
                admin.call("HSET", DirectContract.KEY, "sha", script.sha(), "script", script.source());
                admin.call("HSET", "vigil:q:{restart}:meta", "maxAttempts", "3", "completedRetentionMs", "60000");
            }
            try (QueueClient client = QueueClient.connect(own.url())) {
                String first = client.enqueue("restart", Job.of("{\"n\":1}")).join().id();

                own.kill();
                // The connection is gone: the call fails (the job may or may not be written, the caller decides).
                assertThatThrownBy(() -> client.enqueue("restart", Job.of("{\"n\":2}")).join())
                        .isInstanceOf(CompletionException.class).cause().isInstanceOf(QueueClientException.class);

                own.start();
                // The next call connects again; the restarted Redis has no script cache, so NOSCRIPT, then EVAL.
                String second = client.enqueue("restart", Job.of("{\"n\":3}")).join().id();
                assertThat(second).isNotEqualTo(first);
                try (Resp admin = new Resp(own.port())) {
                    assertThat(admin.call("HGET", "vigil:q:{restart}:job:" + first, "payload")).isEqualTo("{\"n\":1}");
                    assertThat(admin.call("HGET", "vigil:q:{restart}:job:" + second, "payload")).isEqualTo("{\"n\":3}");
                    assertThat(admin.call("SCRIPT", "EXISTS", script.sha())).isEqualTo(List.of(1L));
                }
            }
        }
    }

    private static Object eval(LuaScript script, String queue, String... args) {
        List<String> all = new ArrayList<>(List.of("EVAL", script.source(), "6"));
        all.addAll(DirectContract.keys(queue));
        all.add("1");
        all.add(queue);
        all.addAll(List.of(args));
        return redis.call(all.toArray(String[]::new));
    }
}
