package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Both algorithms: exactly `limit` allowed per window, then 429 with the IETF headers and Retry-After. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RateLimitTest {

    @ParameterizedTest
    @ValueSource(strings = {"gcra", "sliding-window"})
    void limitThenDenyWithHeaders(String algorithm) {
        String policy = "p-" + algorithm;
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("limit", 5, "windowMs", 60000, "algorithm", algorithm))
                .put("/api/v1/ratelimit/policies/" + policy).then().statusCode(200);
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", ApiKeys.WRITER).post("/api/v1/ratelimit/" + policy + "/alice").then()
                    .statusCode(200).body("allowed", equalTo(true)).body("remaining", equalTo(4 - i))
                    .header("RateLimit-Policy", "\"" + policy + "\";q=5;w=60")
                    .header("RateLimit-Remaining", Integer.toString(4 - i));
        }
        Response denied = given().header("Authorization", ApiKeys.WRITER)
                .post("/api/v1/ratelimit/" + policy + "/alice");
        denied.then().statusCode(429).body("allowed", equalTo(false)).body("remaining", equalTo(0));
        long retryAfter = Long.parseLong(denied.header("Retry-After"));
        // one unit comes back after window/limit (GCRA) or when the oldest unit leaves the window (sliding)
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(denied.header("RateLimit")).startsWith("\"" + policy + "\";r=0;t=");
        // another subject has its own quota; a cost larger than what is left is refused without taking anything
        given().header("Authorization", ApiKeys.WRITER).post("/api/v1/ratelimit/" + policy + "/bob?cost=3").then()
                .statusCode(200).body("remaining", equalTo(2));
        given().header("Authorization", ApiKeys.WRITER).post("/api/v1/ratelimit/" + policy + "/bob?cost=3").then()
                .statusCode(429);
        given().header("Authorization", ApiKeys.WRITER).post("/api/v1/ratelimit/" + policy + "/bob?cost=2").then()
                .statusCode(200).body("remaining", equalTo(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcra", "sliding-window"})
    void quotaComesBackAfterTheWindow(String algorithm) throws Exception {
        String policy = "short-" + algorithm;
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                // GCRA frees a unit every window/limit: 1 s, longer than three requests take on a loaded machine
                .body(Map.of("limit", 2, "windowMs", 2000, "algorithm", algorithm))
                .put("/api/v1/ratelimit/policies/" + policy).then().statusCode(200);
        String path = "/api/v1/ratelimit/" + policy + "/carol";
        given().header("Authorization", ApiKeys.WRITER).post(path).then().statusCode(200);
        given().header("Authorization", ApiKeys.WRITER).post(path).then().statusCode(200);
        given().header("Authorization", ApiKeys.WRITER).post(path).then().statusCode(429);
        long deadline = System.currentTimeMillis() + 6000;
        int status;
        do {
            status = given().header("Authorization", ApiKeys.WRITER).post(path).statusCode();
        } while (status == 429 && System.currentTimeMillis() < deadline);
        assertThat(status).isEqualTo(200);
    }
}
