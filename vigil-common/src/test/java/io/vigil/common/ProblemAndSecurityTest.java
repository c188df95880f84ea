package io.vigil.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class ProblemAndSecurityTest {

    private static final String VALID = "{\"samples\":[{\"service\":\"api\",\"durationMs\":12}]}";

    @Test
    void mutatingWithoutKeyIs401ProblemWithBearerChallenge() {
        given().contentType(ContentType.JSON).body(VALID)
                .when().post("/api/v1/fixtures")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401), "title", equalTo("Unauthorized"));
    }

    @Test
    void unknownKeyIs401() {
        given().header("Authorization", "Bearer not-a-key").contentType(ContentType.JSON).body(VALID)
                .when().post("/api/v1/fixtures")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void readerKeyCannotMutate() {
        given().header("Authorization", ApiKeys.READER).contentType(ContentType.JSON).body(VALID)
                .when().post("/api/v1/fixtures")
                .then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
    }

    @Test
    void rolesAreHierarchical() {
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(VALID)
                .when().post("/api/v1/fixtures").then().statusCode(200);
        given().header("Authorization", ApiKeys.ADMIN).contentType(ContentType.JSON).body(VALID)
                .when().post("/api/v1/fixtures").then().statusCode(200);
        given().header("Authorization", ApiKeys.WRITER).when().delete("/api/v1/fixtures").then().statusCode(403);
        given().header("Authorization", ApiKeys.ADMIN).when().delete("/api/v1/fixtures").then().statusCode(204);
        given().header("Authorization", ApiKeys.READER).when().get("/api/v1/fixtures/known").then().statusCode(200);
    }

    @Test
    void malformedBodyIs400Problem() {
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body("{\"samples\": [ {oops")
                .when().post("/api/v1/fixtures")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400), "title", equalTo("Malformed request body"));
    }

    @Test
    void wrongTypeNamesTheField() {
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body("{\"samples\":[{\"service\":\"api\",\"durationMs\":\"slow\"}]}")
                .when().post("/api/v1/fixtures")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("samples[0].durationMs"));
    }

    @Test
    void validationListsEveryOffendingField() {
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body("{\"samples\":[{\"service\":\"\",\"durationMs\":-1}]}")
                .when().post("/api/v1/fixtures")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Validation failed"),
                        "errors.field", hasItems("samples[0].service", "samples[0].durationMs"));
    }

    @Test
    void notFoundIsProblem() {
        given().header("Authorization", ApiKeys.READER).when().get("/api/v1/fixtures/missing")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("no fixture named missing"));
    }

    @Test
    void unexpectedFailureHidesItsDetails() {
        given().header("Authorization", ApiKeys.READER).when().get("/api/v1/fixtures/boom")
                .then().statusCode(500).contentType("application/problem+json")
                .body(not(containsString("secret internal detail")), not(containsString("at io.vigil")));
    }

    @Test
    void requestIdIsPropagatedOnOutboundCalls() {
        given().header("X-Request-Id", "trace-42").when().get("/api/v1/fixtures/relay")
                .then().statusCode(200).body(equalTo("trace-42"));
    }

    @Test
    void requestIdIsEchoedOrAssigned() {
        given().header("X-Request-Id", "abc-123").header("Authorization", ApiKeys.READER)
                .when().get("/api/v1/fixtures/known")
                .then().header("X-Request-Id", "abc-123");
        given().header("Authorization", ApiKeys.READER).when().get("/api/v1/fixtures/known")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }
}
