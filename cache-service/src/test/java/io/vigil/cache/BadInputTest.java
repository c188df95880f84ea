package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Every bad request is a 4xx problem+json naming the field, and changes nothing. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class BadInputTest {

    static final String NS = "/api/v1/cache/default";

    @Test
    void oversizedValueIs413AndNothingIsStored() {
        given().header("Authorization", ApiKeys.WRITER).contentType("application/octet-stream")
                .body(new byte[1_048_577]).put(NS + "/entries/huge").then().statusCode(413)
                .contentType("application/problem+json").body("detail", containsString("1048576"));
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/huge").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void ttlOutOfRangeNamesTheField() {
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("x")
                .put(NS + "/entries/t?ttlMs=0").then().statusCode(400).body("errors[0].field", equalTo("ttlMs"));
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("x")
                .put(NS + "/entries/t?ttlMs=999999999999").then().statusCode(400)
                .body("errors[0].field", equalTo("ttlMs"));
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("entries", List.of(Map.of("key", "a", "value", 1, "ttlMs", -5))))
                .post(NS + "/bulk/put").then().statusCode(400).body("errors[0].field", equalTo("entries[0].ttlMs"));
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/t").then().statusCode(404);
    }

    @Test
    void badBase64BadJsonBadGlobUnknownNamespace() {
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("entries", List.of(Map.of("key", "ok", "value", 1), Map.of("key", "b", "base64", "%%%"))))
                .post(NS + "/bulk/put").then().statusCode(400).body("errors[0].field", equalTo("entries[1].base64"));
        // all or nothing: the valid first entry was not stored either
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/ok").then().statusCode(404);
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body("{\"a\":")
                .put(NS + "/entries/j").then().statusCode(400).body("errors[0].field", equalTo("body"));
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("pattern", "user:[abc")).post(NS + "/invalidate").then().statusCode(400)
                .body("errors[0].field", equalTo("pattern"));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/nosuch/entries/k").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("nosuch"));
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body("x")
                .put("/api/v1/cache/nosuch/entries/k").then().statusCode(404);
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/Bad%7BNs%7D/entries/k").then()
                .statusCode(400).body("errors[0].field", equalTo("namespace"));
        given().header("Authorization", ApiKeys.WRITER).post("/api/v1/ratelimit/nosuch/alice").then()
                .statusCode(404);
        given().header("Authorization", ApiKeys.WRITER).post("/api/v1/ratelimit/api/alice?cost=-1").then()
                .statusCode(400).body("errors[0].field", equalTo("cost"));
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("limit", 0)).put("/api/v1/ratelimit/policies/p").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("defaultTtlMs", 5000, "maxTtlMs", 1000)).put("/api/v1/cache/namespaces/x").then()
                .statusCode(400).body("errors[0].field", equalTo("defaultTtlMs"));
    }

    @Test
    void rolesAreEnforcedOnEveryPath() {
        given().get(NS + "/entries/k").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get(NS + "/entries/k").then().statusCode(401);
        given().header("Authorization", ApiKeys.READER).contentType("text/plain").body("x")
                .put(NS + "/entries/k").then().statusCode(403);
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body(Map.of())
                .put("/api/v1/cache/namespaces/x").then().statusCode(403);
        given().header("Authorization", ApiKeys.READER).post("/api/v1/ratelimit/api/alice").then().statusCode(403);
    }

    /**
     * Issue 19: the entry GET/HEAD and the rate-limit decision check their roles in the Vert.x route (RouteAuth, which
     * remembers keys that resolved). Same answers as the JAX-RS endpoints: 401 problem+json with WWW-Authenticate,
     * 403 problem+json; higher roles include lower ones; a remembered key does not let a near miss in.
     */
    @Test
    void hotRoutesCheckRolesLikeTheRest() {
        given().get(NS + "/entries/k").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .contentType(containsString("application/problem+json"));
        given().head(NS + "/entries/k").then().statusCode(401);
        given().post("/api/v1/ratelimit/api/alice").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .contentType(containsString("application/problem+json"));
        given().header("Authorization", "Basic dGVzdDp0ZXN0").get(NS + "/entries/k").then().statusCode(401);
        for (int i = 0; i < 3; i++) { // the first resolves the key, the others hit the remembered one
            given().header("Authorization", ApiKeys.READER).get(NS + "/entries/absent-" + i).then().statusCode(404)
                    .contentType(containsString("application/problem+json"));
            given().header("Authorization", ApiKeys.READER + "x").get(NS + "/entries/absent").then().statusCode(401);
            given().header("Authorization", ApiKeys.READER.substring(0, ApiKeys.READER.length() - 1))
                    .get(NS + "/entries/absent").then().statusCode(401);
            given().header("Authorization", ApiKeys.READER).post("/api/v1/ratelimit/api/alice").then()
                    .statusCode(403).contentType(containsString("application/problem+json"));
        }
        given().header("Authorization", ApiKeys.ADMIN).get(NS + "/entries/absent").then().statusCode(404);
        given().header("Authorization", ApiKeys.WRITER).get(NS + "/entries/absent").then().statusCode(404);
        given().header("Authorization", "bearer " + ApiKeys.WRITER.substring(7)).post("/api/v1/ratelimit/api/dave")
                .then().statusCode(200).header("RateLimit-Limit", "100").body("allowed", equalTo(true));
        given().header("Authorization", ApiKeys.ADMIN).post("/api/v1/ratelimit/api/dave?cost=abc").then()
                .statusCode(400).body("errors[0].field", equalTo("cost"));
        // the admin resource under the same prefix is not a decision
        given().header("Authorization", ApiKeys.ADMIN).post("/api/v1/ratelimit/policies/api").then()
                .statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400)).header("RateLimit-Limit",
                        org.hamcrest.Matchers.nullValue());
        // a sane request id is echoed, anything else replaced by a UUID
        given().header("Authorization", ApiKeys.READER).header("X-Request-Id", "abc-1.2:3_4")
                .get(NS + "/entries/absent").then().header("X-Request-Id", "abc-1.2:3_4");
        given().header("Authorization", ApiKeys.READER).header("X-Request-Id", "bad id")
                .get(NS + "/entries/absent").then().header("X-Request-Id", org.hamcrest.Matchers.matchesPattern(
                        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    /**
     * C6: a body over the limit is refused from its declared length alone (413 problem+json naming the limit), before
     * any byte is read: here the body is never even sent. Before, a 64 MB body was buffered and parsed.
     */
    @Test
    void oversizedBodiesAreRefusedBeforeTheyAreRead() throws Exception {
        // the test profile's bulk limit is 4 MiB
        String bulk = rawHeadersOnly("POST /api/v1/cache/default/bulk/put", 8L * 1024 * 1024, "application/json");
        org.assertj.core.api.Assertions.assertThat(bulk).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("exceeds the limit of 4194304 bytes");
        // beyond Quarkus' backstop (16M) it refuses first, also before reading
        org.assertj.core.api.Assertions.assertThat(rawHeadersOnly("POST /api/v1/cache/default/bulk/put",
                60L * 1024 * 1024, "application/json")).startsWith("HTTP/1.1 413");
        String one = rawHeadersOnly("PUT /api/v1/cache/default/entries/big", 2L * 1024 * 1024, "text/plain");
        org.assertj.core.api.Assertions.assertThat(one).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("limit of 1048576 bytes");
    }

    /** Sends only the request head with a Content-Length; returns what the server answers within 10 s. */
    private static String rawHeadersOnly(String requestLine, long length, String type) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + ApiKeys.WRITER + "\r\nContent-Type: " + type + "\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    if (out.indexOf("\r\n\r\n") > 0 && out.indexOf("}") > 0) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // answered nothing (or not all) in time: the assertions say what was missing
            }
            return out.toString();
        }
    }
}
