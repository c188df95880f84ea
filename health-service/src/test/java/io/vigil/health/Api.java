package io.vigil.health;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vigil.testing.ApiKeys;

/** The REST calls the tests make, against the @QuarkusTest app or a ServiceProcess (baseUri). */
final class Api {

    private final String baseUri;

    Api(String baseUri) {
        this.baseUri = baseUri;
    }

    /** The @QuarkusTest app (REST Assured's configured port). */
    Api() {
        this(null);
    }

    RequestSpecification as(String key) {
        RequestSpecification spec = given().header("Authorization", key).contentType(ContentType.JSON);
        return baseUri == null ? spec : spec.baseUri(baseUri);
    }

    void createTarget(Map<String, Object> target) {
        as(ApiKeys.ADMIN).body(target).post("/api/v1/targets").then().statusCode(201);
    }

    void deleteTarget(String name) {
        as(ApiKeys.ADMIN).delete("/api/v1/targets/" + name);
    }

    JsonPath status() {
        return as(ApiKeys.READER).get("/api/v1/status").then().statusCode(200).extract().jsonPath();
    }

    String state(String target) {
        return as(ApiKeys.READER).get("/api/v1/status/targets/" + target).then().statusCode(200).extract()
                .jsonPath().getString("state");
    }

    List<Map<String, Object>> transitions(String target) {
        return as(ApiKeys.READER).queryParam("target", target).get("/api/v1/transitions").then().statusCode(200)
                .extract().jsonPath().getList("items");
    }

    static Map<String, Object> http(String name, String url, long intervalMs) {
        return new java.util.HashMap<>(Map.of("name", name, "type", "http", "url", url, "intervalMs", intervalMs,
                "timeoutMs", Math.min(intervalMs, 1000), "failureThreshold", 1, "successThreshold", 1));
    }
}
