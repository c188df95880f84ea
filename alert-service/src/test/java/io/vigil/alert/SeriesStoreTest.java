package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.alert.store.RedisKeys;
import io.vigil.alert.store.SeriesStore;
import io.vigil.alert.store.SeriesStore.Observe;
import io.vigil.testing.RedisServerResource;

/**
 * A batch of observations over many series (on Redis Cluster: many slots) is applied in order per series and every
 * call gets its own series back, as the metrics batch evaluation relies on.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class SeriesStoreTest {

    private static final int SERIES = 40;

    @Inject
    SeriesStore store;
    @Inject
    RedisDataSource redis;

    @Test
    void aBatchOverManySeriesIsAppliedInOrderPerSeries() {
        long now = System.currentTimeMillis();
        List<Observe> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            // Braces in an endpoint template must not split one series over several slots.
            String key = RedisKeys.series("live", "batch" + i, "/users/{id}/" + i, "GET");
            keys.add(key);
            calls.add(new Observe(key, "2xx", now + ",1", 0, 60_000));
        }
        for (int i = 0; i < SERIES; i++) {
            calls.add(new Observe(keys.get(i), "5xx", now + ",2", 0, 60_000));
            calls.add(new Observe(keys.get(i), "2xx", now + ",3", 0, 60_000)); // overwrites the first call's field
        }

        List<Map<String, String>> replies = store.observeAll(calls);

        assertThat(replies).hasSize(3 * SERIES);
        for (int i = 0; i < SERIES; i++) {
            assertThat(replies.get(i)).as("first call of %s", keys.get(i)).containsExactly(Map.entry("2xx", now + ",1"));
            assertThat(replies.get(SERIES + 2 * i)).as("second call of %s", keys.get(i))
                    .containsOnly(Map.entry("2xx", now + ",1"), Map.entry("5xx", now + ",2"));
            assertThat(replies.get(SERIES + 2 * i + 1)).as("third call of %s", keys.get(i))
                    .containsOnly(Map.entry("2xx", now + ",3"), Map.entry("5xx", now + ",2"));
            assertThat(redis.hash(String.class).hgetall(keys.get(i)))
                    .containsOnly(Map.entry("2xx", now + ",3"), Map.entry("5xx", now + ",2"));
        }
        if (RedisServerResource.clusterMode()) {
            // The batch did span several masters, so the per-slot pipelines were exercised.
            assertThat(keys.stream().limit(10).map(RedisServerResource::portOf).distinct().count()).isGreaterThan(1);
        }
    }
}
