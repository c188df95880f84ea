package io.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vigil.testing.RedisServerResource;

/** Every free-form label is capped, and a value nobody uses any more gives its slot back. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(CardinalityCapTest.SmallCaps.class)
class CardinalityCapTest {

    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vigil.metrics.prometheus.max-services", "3",
                    "vigil.metrics.prometheus.max-methods-per-service", "2",
                    "vigil.metrics.prometheus.cap-idle", "2s");
        }
    }

    @Test
    void servicesAndMethodsOverTheirCapsFoldIntoOtherAndIdleValuesAreForgotten() {
        Instant now = Instant.now();
        // One batch after the other (each 202 means stored), so the order of admission is known.
        for (String[] s : new String[][] { { "cap-a", "GET" }, { "cap-a", "POST" }, { "cap-a", "PUT" },
                { "cap-b", "GET" }, { "cap-c", "GET" }, { "cap-d", "GET" } }) {
            MetricsApiTest.post(List.of(MetricsApiTest.sample(s[0], "/x", s[1], 200, 5, now)), 202);
        }

        // Methods: the third one of cap-a is folded into OTHER.
        JsonPath a = MetricsApiTest.endpoints("cap-a", "1h");
        assertThat(a.getList("items.method", String.class)).containsExactlyInAnyOrder("GET", "POST", "OTHER");
        // Services: the fourth one is folded into service 'other' (with its samples).
        assertThat(MetricsApiTest.endpoints("cap-d", "1h").getList("items")).isEmpty();
        assertThat(MetricsApiTest.endpoints("other", "1h").getLong("items[0].count")).isEqualTo(1);

        // Once cap-b and cap-c are idle past cap-idle, a new service gets a slot of its own.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            MetricsApiTest.post(List.of(MetricsApiTest.sample("cap-e", "/y", "GET", 200, 5, Instant.now())), 202);
            return !MetricsApiTest.endpoints("cap-e", "1h").getList("items").isEmpty();
        });
    }
}
