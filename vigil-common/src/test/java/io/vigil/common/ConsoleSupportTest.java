package io.vigil.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * What every service's console relies on from vigil-common: /api/v1/whoami names the key's role (public without a
 * key, 401 for an unknown one), the shared assets and uPlot are served, and console paths carry a strict CSP while
 * Quarkus' own pages under /q/ keep theirs.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class ConsoleSupportTest {

    @Test
    void whoamiNamesTheRoleOfTheKey() {
        given().get("/api/v1/whoami").then().statusCode(200).body("role", nullValue());
        given().header("Authorization", ApiKeys.READER).get("/api/v1/whoami").then().statusCode(200)
                .body("role", equalTo("reader")).body("principal", startsWith("key:"));
        given().header("Authorization", ApiKeys.WRITER).get("/api/v1/whoami").then().body("role", equalTo("writer"));
        given().header("Authorization", ApiKeys.ADMIN).get("/api/v1/whoami").then().body("role", equalTo("admin"));
        given().header("Authorization", "Bearer not-a-key").get("/api/v1/whoami").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void sharedAssetsAreServedUnderAStrictContentSecurityPolicy() {
        given().get("/vigil-console/console.js").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", "nosniff");
        given().get("/vigil-console/console.css").then().statusCode(200);
        given().get("/webjars/uplot/1.6.30/dist/uPlot.esm.js").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200).header("Content-Security-Policy", nullValue());
        given().redirects().follow(false).get("/console").then().statusCode(302).header("Location", "/console/");
    }
}
