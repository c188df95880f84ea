package io.vigil.demo;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServerResource;

/** The demo shop reports what it serves to Vigil's sample stream, and its faults do what ./vigil demo says. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class DemoShopTest {

    @Inject
    RedisDataSource redis;

    @AfterEach
    void clearFaults() {
        given().delete("/faults").then().statusCode(204);
    }

    @Test
    void timingsReachTheIngestStreamUnderTheirRouteTemplate() {
        given().get("/shop/products/42").then().statusCode(200).body("id", equalTo("42"));
        String entries = await(() -> {
            List<StreamMessage<String, String, String>> all = redis.stream(String.class, String.class, String.class)
                    .xrange("vigil:ingest:samples", io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"));
            String joined = all.stream().map(m -> m.payload().get("samples")).reduce("", String::concat);
            return joined.contains("/shop/products/{id}") ? joined : null;
        });
        assertThat(entries).contains("\"service\":\"demo-shop\"").contains("\"method\":\"GET\"")
                .contains("\"status\":200").doesNotContain("/shop/products/42");
    }

    @Test
    void injectedLatencySlowsOnlyItsEndpoint() {
        given().contentType("application/json")
                .body("{\"endpoint\":\"/shop/search\",\"kind\":\"latency\",\"latencyMs\":400,\"forMs\":60000}")
                .post("/faults").then().statusCode(200);
        long search = timed(() -> given().get("/shop/search?q=x").then().statusCode(200));
        long product = timed(() -> given().get("/shop/products/1").then().statusCode(200));
        assertThat(search).isGreaterThanOrEqualTo(400);
        assertThat(product).isLessThan(400);
    }

    @Test
    void anOutageFailsInventoryAndTheHealthEndpointUntilItEnds() {
        given().get("/shop/health").then().statusCode(200).body("status", equalTo("UP"));
        given().contentType("application/json")
                .body("{\"endpoint\":\"/shop/inventory/{sku}\",\"kind\":\"outage\",\"forMs\":1500}")
                .post("/faults").then().statusCode(200);
        given().get("/shop/inventory/sku-1").then().statusCode(503);
        given().get("/shop/health").then().statusCode(503).body("status", equalTo("DOWN"));
        await(() -> given().get("/shop/health").statusCode() == 200 ? Boolean.TRUE : null);
    }

    @Test
    void faultsAreBounded() {
        given().contentType("application/json")
                .body("{\"endpoint\":\"/shop/search\",\"kind\":\"latency\",\"latencyMs\":999999,\"forMs\":60000}")
                .post("/faults").then().statusCode(400);
        given().contentType("application/json")
                .body("{\"endpoint\":\"/etc/passwd\",\"kind\":\"outage\",\"forMs\":1000}")
                .post("/faults").then().statusCode(400);
    }

    @Test
    void theWebhookReceiverKeepsWhatItReceives() {
        given().contentType("application/json").body("{\"status\":\"firing\",\"rule\":\"p95\"}")
                .post("/webhook").then().statusCode(204);
        given().get("/webhook").then().statusCode(200).body("[-1].body", equalTo("{\"status\":\"firing\",\"rule\":\"p95\"}"));
    }

    private static long timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static <T> T await(Supplier<T> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // poll, not spin
        }
        throw new AssertionError("condition not met within 10 s");
    }
}
