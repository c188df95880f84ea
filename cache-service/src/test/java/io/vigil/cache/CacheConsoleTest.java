package io.vigil.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.Browser;
import io.vigil.testing.RedisServerResource;

/**
 * The console at {@code /} in headless Chromium against the real service: a namespace with hits shows its hit ratio,
 * a key lookup shows the entry's meta, a writer invalidates by tag from the page and sees the job done (and a pattern
 * job started through the API, from the job list) and the entry
 * gone, a reader sees no buttons. Screenshot: target/console-cache.png.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class CacheConsoleTest {

    static final String NS = "/api/v1/cache/consolens";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aWriterInvalidatesByTagAndSeesTheJobAndTheHitRatio() {
        given().header("Authorization", ApiKeys.ADMIN).contentType("application/json")
                .body(Map.of("maxTtlMs", 600000)).put("/api/v1/cache/namespaces/consolens").then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.equalTo(200), org.hamcrest.Matchers.equalTo(201)));
        for (String key : new String[] { "lamp", "desk", "chair" }) {
            given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                    .body("{\"name\":\"" + key + "\"}").put(NS + "/entries/" + key + "?ttlMs=60000&tags=catalog")
                    .then().statusCode(200);
            for (int i = 0; i < 3; i++) {
                given().header("Authorization", ApiKeys.READER).get(NS + "/entries/" + key).then().statusCode(200);
            }
        }

        try (Browser b = new Browser(root)) {
            b.open("/");
            b.waitForText("#namespaces-body", "Sign in");
            b.signIn(ApiKeys.WRITER, "writer");
            String row = "tr[data-namespace='consolens']";
            b.find(row);
            b.until("a hit ratio", () -> b.text(row).contains("%"));

            b.find("#lookup-ns option[value='consolens']").click();
            b.find("#lookup-key").sendKeys("lamp");
            b.click("#lookup-form button[type=submit]");
            b.waitForText("#lookup-result", "catalog");

            b.click(row + " button[data-action='invalidate']");
            b.find("#inv-kind option[value='tag']").click();
            b.find("#inv-value").sendKeys("catalog");
            b.click("#invalidate-form button[type=submit]");
            b.waitForText("#jobs-table", "tag catalog");
            b.find("#jobs-table tr[data-state='done']");
            assertThat(b.text("#jobs-table")).contains("3");
            given().header("Authorization", ApiKeys.READER).get(NS + "/entries/lamp").then().statusCode(404);

            // A job started elsewhere (another user, through the API) shows too: the page lists GET /cache/jobs.
            String jobId = given().header("Authorization", ApiKeys.WRITER).contentType("application/json")
                    .body(Map.of("pattern", "ch*")).post(NS + "/invalidate").then().statusCode(202).extract().path("id");
            String jobRow = "#jobs-table tr[data-job='" + jobId + "'][data-state='done']";
            b.until("the API's job shows done", () -> {
                b.refresh();
                return !b.all(jobRow).isEmpty();
            });
            assertThat(b.text(jobRow)).contains("invalidate-pattern ch*").contains("consolens");
            assertThat(b.all(row + " button[data-action='settings']")).as("settings are admin-only").isEmpty();
            b.screenshot("console-cache");

            b.signIn(ApiKeys.READER, "reader");
            b.find(row);
            assertThat(b.all("button.action")).as("a reader sees no action buttons").isEmpty();
            assertThat(b.consoleErrors().stream().filter(e -> e.contains("Content Security Policy"))).isEmpty();
        }
    }
}
