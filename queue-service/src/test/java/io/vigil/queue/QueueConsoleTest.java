package io.vigil.queue;

import static io.vigil.queue.QueueApi.as;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.Browser;
import io.vigil.testing.RedisServerResource;

/**
 * The console at {@code /} in headless Chromium against the real service: a dead job created through the API shows
 * with its error and payload, an admin retries it from the page, a reader sees no buttons, a writer's refused call
 * explains itself, and a payload carrying markup stays text. Screenshots: target/console-queue*.png.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class QueueConsoleTest {

    static final String XSS = "<img src=x onerror=\"document.body.dataset.pwned=1\">";

    @TestHTTPResource("/")
    URL root;

    static Browser browser;

    @BeforeAll
    static void noBrowserYet() {
        browser = null;
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private Browser browser() {
        if (browser == null) {
            browser = new Browser(root);
        }
        return browser;
    }

    @Test
    void anAdminSeesADeadJobAndRetriesItAReaderOnlyLooksAndMarkupStaysText() {
        QueueApi.createQueue("console-q", Map.of("maxAttempts", 1));
        QueueApi.createQueue("console-q2", Map.of());
        QueueApi.createQueue("console-q3", Map.of());
        String id = QueueApi.enqueue("console-q", Map.of("payload", Map.of("to", XSS, "order", 42)));
        Map<String, Object> leased = QueueApi.lease("console-q", 1, 0).get(0);
        as(ApiKeys.WRITER).body(Map.of("token", leased.get("token"), "error", "smtp refused " + XSS))
                .post("/api/v1/queues/console-q/jobs/" + id + "/nack").then().statusCode(200);

        // The page and its assets are public and run under a strict Content-Security-Policy.
        RestAssured.given().get("/").then().statusCode(200)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"));
        RestAssured.given().get("/webjars/uplot/1.6.30/dist/uPlot.esm.js").then().statusCode(200);

        // Two queues per page, filtered to this test's three, so paging shows at a small scale (1,000 queues are
        // QueueListingTest's).
        Browser b = browser().open("/?perPage=2");
        b.find("#vc-key");
        b.waitForText("#queues-body", "Sign in");

        b.signIn(ApiKeys.ADMIN, "admin");
        b.find("#queues-filter").sendKeys("console-q" + org.openqa.selenium.Keys.ENTER);
        b.waitForText("#queues-pager", "page 1 of 2 (3 queues)");
        b.find("tr[data-queue='console-q']");
        b.click("button[data-select='console-q']");
        b.click("button[data-state='dead']");
        String row = "tr[data-job='" + id + "'][data-state='dead']";
        b.waitForText(row, "smtp refused");
        assertThat(b.text(row)).contains("1 / 1").contains("<img src=x");
        assertThat(b.all("img[src='x']")).as("the payload's markup is text, not an element").isEmpty();
        b.screenshot("console-queue");

        // The job's details: history timeline and the payload as text.
        b.click("button[data-detail='" + id + "']");
        b.waitForText("dialog .timeline", "enqueued");
        assertThat(b.find("dialog").getText()).contains("\"order\": 42").contains(XSS);
        b.click("dialog button.close");

        b.click(row + " button[data-action='retry']");
        b.waitForText("#vc-notice", "done");
        assertThat(QueueApi.job("console-q", id).getString("state")).isEqualTo("waiting");
        b.until("the dead list is empty", () -> b.all(row).isEmpty());
        b.click("button[data-state='waiting']");
        b.find("tr[data-job='" + id + "'][data-state='waiting']");
        assertThat(b.driver().findElement(org.openqa.selenium.By.tagName("body")).getDomAttribute("data-pwned")).isNull();

        // A reader sees the same data and no action buttons.
        b.signIn(ApiKeys.READER, "reader");
        b.find("tr[data-queue='console-q']");
        b.find("tr[data-job='" + id + "']");
        assertThat(b.all("button.action")).isEmpty();

        // A writer may cancel (its button shows) but not pause (hidden); forced through the page's API helper, the
        // refusal is explained on the page rather than failing silently.
        b.signIn(ApiKeys.WRITER, "writer");
        b.find("tr[data-job='" + id + "'] button[data-action='cancel']");
        assertThat(b.all("button[data-action='pause']")).isEmpty();
        b.script("window.vigil.act('pause', () => window.vigil.api('/api/v1/queues/console-q/pause', {method: 'POST'}))");
        b.waitForText("#vc-problem", "may not do this (403)");
        assertThat(b.text("#vc-problem")).contains("writer");

        // The next page of queues: console-q3 only; the selected queue's jobs stay shown from another page.
        b.click("#queues-pager button.next");
        b.waitForText("#queues-pager", "page 2 of 2");
        b.find("tr[data-queue='console-q3']");
        assertThat(b.all("tr[data-queue='console-q']")).isEmpty();
        b.find("tr[data-job='" + id + "']");
        b.click("#queues-pager button.prev");
        b.waitForText("#queues-pager", "page 1 of 2");

        // At phone width the page still renders the queues.
        b.resize(390, 844);
        b.find("tr[data-queue='console-q']");
        b.screenshot("console-queue-phone");
        b.resize(1280, 900);

        List<String> csp = b.consoleErrors().stream().filter(e -> e.contains("Content Security Policy")).toList();
        assertThat(csp).as("no CSP violations").isEmpty();
    }
}
