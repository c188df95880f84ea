package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/** Entries through the REST API on a real Redis: both levels, HTTP caching semantics, bulk calls, metadata. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class EntryApiTest {

    static final String NS = "/api/v1/cache/default";

    @BeforeEach
    void namespaceExists() {
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("maxTtlMs", 600000)).put("/api/v1/cache/namespaces/products").then()
                .statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
    }

    @Test
    void jsonValueRoundTripsThroughL2ThenL1WithEtagAndMaxAge() {
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body("{\"name\":\"lamp\",\"price\":12.5}").put(NS + "/entries/p1?ttlMs=60000&tags=catalog")
                .then().statusCode(200).body("etag", startsWith("\""));
        // this replica applied its own write: L1 already holds it
        Response first = given().header("Authorization", ApiKeys.READER).get(NS + "/entries/p1");
        first.then().statusCode(200).contentType(containsString("application/json"))
                .body("name", equalTo("lamp")).header("X-Cache", "L1")
                .header("Cache-Control", org.hamcrest.Matchers.matchesPattern("max-age=(59|60)"));
        String etag = first.header("ETag");
        given().header("Authorization", ApiKeys.READER).header("If-None-Match", etag).get(NS + "/entries/p1")
                .then().statusCode(304).header("ETag", etag);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/p1/meta").then().statusCode(200)
                .body("tags", hasItem("catalog")).body("ttlMs", lessThan(60001)).body("contentType",
                        startsWith("application/json"));
        given().header("Authorization", ApiKeys.READER).head(NS + "/entries/p1").then().statusCode(200);
        given().header("Authorization", ApiKeys.READER).head(NS + "/entries/nope").then().statusCode(404);
    }

    @Test
    void opaqueBytesOverOneKilobyteAreCompressedAndReturnedAsPut() {
        byte[] value = new byte[50_000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i % 7 == 0 ? 0xFF : i % 13);
        }
        given().header("Authorization", ApiKeys.WRITER).contentType("image/x-test").body(value)
                .put(NS + "/entries/blob").then().statusCode(200);
        // a second write of another key pushes nothing out; read the metadata from Redis's view
        byte[] back = given().header("Authorization", ApiKeys.READER).get(NS + "/entries/blob").then()
                .statusCode(200).contentType("image/x-test").extract().asByteArray();
        assertThat(java.util.Arrays.equals(back, value)).as("bytes read back equal what was put").isTrue();
        Response meta = given().header("Authorization", ApiKeys.READER).get(NS + "/entries/blob/meta");
        meta.then().statusCode(200).body("sizeBytes", equalTo(50_000));
    }

    @Test
    void compressedValueReadFromRedisIsIdentical() {
        String big = "{\"text\":\"" + "abc".repeat(2000) + "\"}";
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json").body(big)
                .put("/api/v1/cache/products/entries/big").then().statusCode(200);
        // bypass this replica's L1 by flushing it through a namespace-settings change
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("l1MaxEntries", 0)).put("/api/v1/cache/namespaces/products").then().statusCode(200);
        String back = given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/products/entries/big")
                .then().statusCode(200).header("X-Cache", "L2").extract().asString();
        assertThat(back.equals(big)).as("value read back from Redis equals what was put").isTrue();
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/products/entries/big/meta").then()
                .body("compressed", equalTo(true)).body("storedBytes", lessThan(big.length() / 5));
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("l1MaxEntries", 10000)).put("/api/v1/cache/namespaces/products").then().statusCode(200);
    }

    @Test
    void bulkPutAndGetInOneCall() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(Map.of("key", "b" + i, "value", Map.of("n", i), "tags", List.of("bulk")));
        }
        entries.add(Map.of("key", "raw", "base64", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}),
                "contentType", "application/octet-stream"));
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("entries", entries)).post(NS + "/bulk/put").then().statusCode(200)
                .body("stored", equalTo(101));
        given().header("Authorization", ApiKeys.READER).contentType("application/json")
                .body(Map.of("keys", List.of("b1", "b99", "raw", "missing"))).post(NS + "/bulk/get").then()
                .statusCode(200).body("entries.b1.value.n", equalTo(1)).body("entries.b99.value.n", equalTo(99))
                .body("entries.raw.base64", equalTo("AQID")).body("missing", equalTo(List.of("missing")));
    }

    @Test
    void deleteAndInvalidateByKeyTagPatternAndNamespace() {
        put("k-del", "a", "t1");
        given().header("Authorization", ApiKeys.WRITER).delete(NS + "/entries/k-del").then().statusCode(204);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/k-del").then().statusCode(404);
        given().header("Authorization", ApiKeys.WRITER).delete(NS + "/entries/k-del").then().statusCode(404);

        put("tagged-1", "a", "red");
        put("tagged-2", "b", "red,blue");
        put("tagged-3", "c", "blue");
        given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("tags", List.of("red"))).post(NS + "/invalidate").then().statusCode(200)
                .body("invalidated", equalTo(2));
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/tagged-1").then().statusCode(404);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/tagged-2").then().statusCode(404);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/tagged-3").then().statusCode(200);

        for (int i = 0; i < 1200; i += 100) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int j = i; j < i + 100; j++) {
                batch.add(Map.of("key", "user:" + j + ":profile", "value", j));
            }
            given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                    .body(Map.of("entries", batch)).post(NS + "/bulk/put").then().statusCode(200);
        }
        put("other:1", "x", "");
        String poll = given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                .body(Map.of("pattern", "user:*:profile")).post(NS + "/invalidate").then().statusCode(202)
                .extract().path("poll");
        awaitJobDone(poll, 1200);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/user:7:profile").then().statusCode(404);
        given().header("Authorization", ApiKeys.READER).get(NS + "/entries/other:1").then().statusCode(200);

        String flush = given().header("Authorization", ApiKeys.ADMIN).delete("/api/v1/cache/products/entries")
                .then().statusCode(202).extract().path("poll");
        awaitJobDone(flush, -1);
    }

    static void awaitJobDone(String poll, long expectedDone) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            Response r = given().header("Authorization", ApiKeys.READER).get(poll);
            r.then().statusCode(200);
            if ("done".equals(r.path("state"))) {
                if (expectedDone >= 0) {
                    assertThat(((Number) r.path("done")).longValue()).isEqualTo(expectedDone);
                }
                return;
            }
            assertThat(System.currentTimeMillis()).as("job finished in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    static void put(String key, String value, String tags) {
        given().header("Authorization", ApiKeys.WRITER).contentType("text/plain").body(value)
                .put(NS + "/entries/" + key + (tags.isEmpty() ? "" : "?tags=" + tags)).then().statusCode(200);
    }

    /** Issue 15 minor: a namespace's loaderUrl (an internal host, maybe credentials) is shown to admins only. */
    @Test
    void loaderUrlIsShownToAdminsOnly() {
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("loaderUrl", "http://user:secret@orders.internal:8080/orders/{key}"))
                .put("/api/v1/cache/namespaces/secretive").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/namespaces/secretive").then()
                .statusCode(200).body("settings.loaderUrl", org.hamcrest.Matchers.not(containsString("orders")));
        assertThat(given().header("Authorization", ApiKeys.READER).get("/api/v1/cache/namespaces").asString())
                .doesNotContain("secret@");
        given().header("Authorization", ApiKeys.ADMIN).get("/api/v1/cache/namespaces/secretive").then()
                .statusCode(200).body("settings.loaderUrl", containsString("orders.internal"));
    }
}
