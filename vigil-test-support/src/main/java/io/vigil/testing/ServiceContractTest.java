package io.vigil.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

/**
 * What Kubernetes, Prometheus and API clients rely on from every Vigil service. A service's test extends this with
 * {@code @QuarkusTest @QuarkusTestResource(RedisServerResource.class)}.
 */
public abstract class ServiceContractTest {

    /**
     * Whether the service keeps data in MongoDB, so that readiness must cover it. A service that does not (cache-service)
     * starts no MongoDB client, and its readiness must not list MongoDB at all.
     */
    protected boolean usesMongo() {
        return true;
    }

    @Test
    void probesArePublicAndReadinessCoversRedisAndMongo() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200);
        // vigil-common's check: the state of Redis and MongoDB from its background check (no round trip per probe).
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'dependencies' }.data.redis", equalTo("UP"))
                .body("checks.find { it.name == 'dependencies' }.data.mongodb", usesMongo() ? equalTo("UP") : nullValue());
    }

    @Test
    void metricsArePrometheusText() {
        given().accept("text/plain;version=0.0.4").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    /** vigil-common's stream dead-letter API reaches every service through its Jandex index. */
    @Test
    void streamDeadLettersAreServedToAdminsOnly() {
        given().header("Authorization", ApiKeys.ADMIN).get("/api/v1/admin/streams/dead-letters").then()
                .statusCode(200).body(containsString("deadLetters"));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/admin/streams/dead-letters").then()
                .statusCode(403).contentType(containsString("application/problem+json"));
        given().header("Authorization", ApiKeys.ADMIN).get("/api/v1/admin/streams/dead-letters/vigil:no-such-stream")
                .then().statusCode(404).contentType(containsString("application/problem+json"));
    }

    @Test
    void openApiIsServed() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    }
}
