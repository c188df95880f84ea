package io.vigil.health;

import io.vigil.testing.StoppableMongoResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.health.store.RedisKeys;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * H1: a MongoDB outage never stops checking. With MongoDB stopped (the wire server shut down, every connection
 * dropped) targets are still claimed and checked from Redis, their transitions are published on the stream, the
 * maintenance windows of the last good load still mute, and the history written during the outage reaches MongoDB
 * once it is back.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@QuarkusTestResource(StoppableMongoResource.class)
class MongoOutageTest {

    @Inject
    RedisDataSource redis;

    final Api api = new Api();

    @Test
    void transitionsArePublishedWhileMongoIsDown() {
        try (Stub stub = new Stub()) {
            api.createTarget(Api.http("outage-web", stub.url("/web"), 1000));
            api.createTarget(Api.http("outage-muted", stub.url("/muted"), 1000));
            api.as(ApiKeys.ADMIN).body(Map.of("title", "planned", "targets", List.of("outage-muted"),
                    "durationMs", 3_600_000)).post("/api/v1/maintenance").then().statusCode(201);
            Await.until("both UP", 10_000, () -> api.state("outage-web").equals("UP")
                    && api.state("outage-muted").equals("UP"));
            // (On a busy machine a first check may time out: count only what is published from here on.)
            Await.until("UP published", 10_000, () -> last(Events.changes(redis, "outage-web")).endsWith("->UP"));
            int before = Events.changes(redis, "outage-web").size();
            int mutedBefore = Events.changes(redis, "outage-muted").size();

            StoppableMongoResource.stopMongo();
            try {
                // Another replica changed a target: every replica reloads from MongoDB, which is down now.
                redis.value(Long.class).incr(RedisKeys.CONFIG_VERSION);
                stub.answer("/web", 503).answer("/muted", 503);
                Await.until("DOWN published while MongoDB is down", 20_000,
                        () -> since(before).equals(List.of("UP->DOWN")));
                stub.answer("/web", 200);
                Await.until("UP published while MongoDB is down", 20_000,
                        () -> since(before).equals(List.of("UP->DOWN", "DOWN->UP")));
                assertThat(api.state("outage-muted")).as("checked from Redis state").isEqualTo("DOWN");
                assertThat(Events.changes(redis, "outage-muted")).as("the window of the last good load still mutes")
                        .hasSize(mutedBefore);
            } finally {
                StoppableMongoResource.startMongo();
            }
            // The transitions of the outage were buffered, not lost: they reach MongoDB once it is back.
            Await.until("history written after the outage", 15_000, () -> api.transitions("outage-web").size() == before + 2);
        } finally {
            StoppableMongoResource.startMongo();
            api.deleteTarget("outage-web");
            api.deleteTarget("outage-muted");
        }
    }

    private List<String> since(int before) {
        List<String> all = Events.changes(redis, "outage-web");
        return all.subList(Math.min(before, all.size()), all.size());
    }

    private static String last(List<String> changes) {
        return changes.isEmpty() ? "" : changes.get(changes.size() - 1);
    }
}
