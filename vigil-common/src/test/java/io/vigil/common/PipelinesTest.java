package io.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.Pipelines;
import io.vigil.testing.RedisServerResource;

/**
 * A pipeline larger than one chunk whose keys spread over thousands of hash slots: every reply comes back in request
 * order, on a single Redis and (with {@code -Dvigil.test.redis-cluster=true}) on Redis Cluster, where the commands are
 * grouped by slot and sent over one cluster connection.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class PipelinesTest {

    private static final int KEYS = 2500;

    @Inject
    Redis redis;

    @Test
    void repliesComeBackInRequestOrderWhateverTheSlots() {
        String prefix = "vigil:test:pipe:" + UUID.randomUUID() + ":";
        List<Request> writes = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            writes.add(Request.cmd(Command.SET).arg(prefix + i).arg(Integer.toString(i)));
        }
        assertThat(Pipelines.run(redis, writes)).hasSize(KEYS).allMatch(r -> "OK".equals(r.toString()));

        List<Request> reads = new ArrayList<>();
        for (int i = KEYS - 1; i >= 0; i--) {
            reads.add(Request.cmd(Command.GET).arg(prefix + i));
        }
        List<Response> replies = Pipelines.run(redis, reads);
        for (int i = 0; i < KEYS; i++) {
            assertThat(replies.get(i).toString()).as("reply %d", i).isEqualTo(Integer.toString(KEYS - 1 - i));
        }
    }
}
