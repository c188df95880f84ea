package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.Browser;
import io.vigil.testing.RedisServerResource;

/**
 * The console at {@code /} in headless Chromium against the real service: a firing alert posted through the API
 * shows with its labels as text, a writer silences it from the page (the dialog counts the alerts the silence would
 * match before saving) and watches it become muted, then expires the silence; a reader sees no buttons.
 * Screenshot: target/console-alert.png.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class AlertConsoleTest {

    static final String XSS = "<img src=x onerror=\"document.body.dataset.pwned=1\">";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aWriterSilencesAFiringAlertAndWatchesItBecomeMuted() {
        Map<String, String> labels = Map.of("alertname", "ConsoleDiskFull", "severity", "critical",
                "instance", "db-console-1", "service", XSS);
        post(labels, Instant.now().plusSeconds(300));
        Map<String, Object> alert = AlertApi.one("ConsoleDiskFull");
        String fp = (String) alert.get("fingerprint");
        String row = "tr[data-fingerprint='" + fp + "']";

        try (Browser b = new Browser(root)) {
            b.open("/");
            b.waitForText("#alerts-body", "Sign in");
            b.signIn(ApiKeys.WRITER, "writer");
            b.find(row + "[data-state='firing'][data-muted='false']");
            assertThat(b.text(row)).contains("ConsoleDiskFull").contains("service=" + XSS).contains("critical");
            assertThat(b.all("img[src='x']")).as("a label's markup is text").isEmpty();
            assertThat(b.text("#alerts-table")).contains("instance=db-console-1");

            // The alert's history as a timeline.
            b.click("button[data-history='" + fp + "']");
            b.waitForText("#alert-history", "firing");
            b.click("dialog button.close");

            // A silence prefilled from the alert says how many alerts it would match before it is saved.
            b.click(row + " button[data-action='silence']");
            b.until("the match count", () -> "1".equals(b.find("#silence-count").getDomAttribute("data-matches")));
            assertThat(b.find("#silence-matchers").getDomProperty("value")).contains("alertname=\"ConsoleDiskFull\"");
            b.find("#silence-matchers").sendKeys("\nnot a matcher");
            b.waitForText("#silence-count", "not a matcher");
            b.script("document.getElementById('silence-matchers').value = arguments[0];"
                    + "document.getElementById('silence-matchers').dispatchEvent(new Event('input'));",
                    "alertname=\"ConsoleDiskFull\"\ninstance=~\"db-console-.*\"");
            b.until("count again", () -> "1".equals(b.find("#silence-count").getDomAttribute("data-matches")));
            b.click("#silence-form button[type=submit]");
            b.find(row + "[data-muted='true']");
            assertThat(b.text(row + " .muted-by")).isNotBlank();
            b.find("tr[data-silence][data-state='active']");
            b.screenshot("console-alert");

            // Expiring the silence from the page unmutes the alert.
            b.click("tr[data-silence][data-state='active'] button[data-action='expire']");
            b.find(row + "[data-muted='false']");
            assertThat(b.find("body").getDomAttribute("data-pwned")).isNull();

            b.signIn(ApiKeys.READER, "reader");
            b.find(row);
            assertThat(b.all("button.action")).as("a reader sees no action buttons").isEmpty();
            assertThat(b.consoleErrors().stream().filter(e -> e.contains("Content Security Policy"))).isEmpty();
        } finally {
            post(labels, Instant.now()); // resolves it, so other tests see no stray active alert
        }
    }

    private static void post(Map<String, String> labels, Instant endsAt) {
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                .body(List.of(Map.of("labels", labels, "annotations", Map.of("summary", "disk almost full"),
                        "endsAt", endsAt.toString())))
                .post("/api/v2/alerts").then().statusCode(200);
    }
}
