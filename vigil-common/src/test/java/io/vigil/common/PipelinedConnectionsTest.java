package io.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vigil.common.redis.PipelinedConnections;
import io.vigil.testing.RedisServerResource;

/**
 * The hot paths' connections: the commands of one event loop share one connection, each gets its own reply in
 * order, and a connection Redis drops is replaced by the next command.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class PipelinedConnectionsTest {

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Vertx vertx;

    @Test
    void concurrentCommandsOfAnEventLoopShareOneConnectionAndGetTheirOwnReplies() throws Exception {
        PipelinedConnections connections = new PipelinedConnections(redis.getRedis().getDelegate());
        Context eventLoop = vertx.getOrCreateContext();
        String key = "vigil:test:pipelined:" + UUID.randomUUID();
        try {
            List<Response> replies = EventLoops.call(eventLoop, () -> {
                List<Future<Response>> sent = new ArrayList<>();
                for (int i = 0; i < 500; i++) { // all sent before any reply arrives
                    sent.add(connections.send(Request.cmd(Command.INCR).arg(key)));
                    sent.add(connections.send(Request.cmd(Command.CLIENT).arg("ID")));
                }
                return Future.all(sent).map(all -> all.<Response>list());
            });
            for (int i = 0; i < 500; i++) {
                assertThat(replies.get(2 * i).toLong()).as("INCR %d", i).isEqualTo(i + 1L);
            }
            assertThat(java.util.stream.IntStream.range(0, 500).mapToObj(i -> replies.get(2 * i + 1).toLong())
                    .distinct()).as("connections used").hasSize(1);
            long first = replies.get(1).toLong();

            // Redis drops it (as after a restart or CLIENT KILL): the next command opens a new one and succeeds.
            redis.execute("CLIENT", "KILL", "ID", Long.toString(first)).await().indefinitely();
            // A command sent on the killed connection before its close was seen fails (it does not hang).
            long again = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> EventLoops.call(eventLoop,
                            () -> connections.send(Request.cmd(Command.CLIENT).arg("ID"))).toLong(), id -> id > 0);
            assertThat(again).as("a new connection").isPositive().isNotEqualTo(first);
        } finally {
            connections.close();
        }
    }
}
