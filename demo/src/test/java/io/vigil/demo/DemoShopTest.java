package io.vigil.demo;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The demo shop exports what it serves as OpenTelemetry spans over OTLP/HTTP, and its faults do what ./vigil demo says. */
@QuarkusTest
@QuarkusTestResource(OtlpSink.class)
class DemoShopTest {

    @AfterEach
    void clearFaults() {
        given().delete("/faults").then().statusCode(204);
    }

    @Test
    void timingsAreExportedAsOtlpSpansUnderTheirRouteTemplate() {
        given().get("/shop/products/42").then().statusCode(200).body("id", equalTo("42"));
        OtlpSink.Export export = await(() -> OtlpSink.received().stream()
                .filter(e -> new String(e.body(), StandardCharsets.ISO_8859_1).contains("/shop/products/{id}"))
                .findFirst().orElse(null));
        assertThat(export.path()).isEqualTo("/v1/traces");
        assertThat(export.contentType()).isEqualTo("application/x-protobuf");
        assertThat(export.authorization()).isEqualTo("Bearer test-writer-key");
        // protobuf strings are UTF-8 as is: the resource's service.name and the span's http.route are in the body
        assertThat(new String(export.body(), StandardCharsets.ISO_8859_1)).contains("demo-shop").contains("http.route");
    }

    @Test
    void injectedLatencySlowsOnlyItsEndpoint() {
        given().contentType("application/json")
                .body("{\"endpoint\":\"/shop/search\",\"kind\":\"latency\",\"latencyMs\":1000,\"forMs\":60000}")
                .post("/faults").then().statusCode(200);
        given().get("/shop/products/1").then().statusCode(200); // warm: the first call loads classes
        long search = timed(() -> given().get("/shop/search?q=x").then().statusCode(200));
        long product = timed(() -> given().get("/shop/products/1").then().statusCode(200));
        assertThat(search).isGreaterThanOrEqualTo(1000);
        assertThat(product).isLessThan(1000);
    }

    @Test
    void anOutageFailsInventoryAndTheHealthEndpointUntilItEnds() {
        given().get("/shop/health").then().statusCode(200).body("status", equalTo("UP"));
        given().contentType("application/json")
                .body("{\"endpoint\":\"/shop/inventory/{sku}\",\"kind\":\"outage\",\"forMs\":5000}")
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
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // poll, not spin
        }
        throw new AssertionError("condition not met within 20 s");
    }
}
