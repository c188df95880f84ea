package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.Browser;
import io.vigil.testing.RedisServerResource;

/**
 * The console at {@code /console/} in headless Chromium against the real service: a DOWN target shows with its
 * reason, an admin resolves an incident from the page, the target form refuses a malformed condition before saving,
 * a group name and an incident title carrying markup stay text, a reader sees no buttons and a writer's refused
 * call explains itself. Screenshot: target/console-health.png.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class HealthConsoleTest {

    static final String XSS = "<img src=x onerror=\"document.body.dataset.pwned=1\">";

    @TestHTTPResource("/")
    URL root;

    final Api api = new Api();

    @Test
    void anAdminSeesADownTargetAndResolvesItsIncident() throws Exception {
        try (Stub stub = new Stub(); Browser b = new Browser(root)) {
            stub.answer("/down", 503);
            Map<String, Object> target = Api.http("console-web", stub.url("/down"), 300);
            target.put("group", "shop " + XSS);
            target.put("conditions", List.of("[STATUS] == 200"));
            api.createTarget(target);
            Await.until("console-web DOWN", 15_000, () -> api.state("console-web").equals("DOWN"));
            String incident = api.as(ApiKeys.ADMIN).body(Map.of("title", "Checkout down " + XSS, "message", "looking",
                    "severity", "major", "targets", List.of("console-web")))
                    .post("/api/v1/incidents").then().statusCode(201).extract().path("id");

            b.open("/console");
            b.waitForText("#targets-body", "Sign in");
            b.signIn(ApiKeys.ADMIN, "admin");
            String row = "tr[data-target='console-web'][data-state='DOWN']";
            b.find(row);
            assertThat(b.text(row)).contains("shop " + XSS).contains("[STATUS] == 200");
            assertThat(b.text("tr[data-incident='" + incident + "']")).contains("Checkout down " + XSS);
            assertThat(b.all("img[src='x']")).isEmpty();

            // History chart (uPlot) of the target.
            b.click("button[data-history='console-web']");
            b.find("#history-chart .uplot");
            b.click("dialog button.close");

            // The target form checks conditions before saving.
            b.click(row + " button[data-action='edit']");
            b.find("#t-conditions").sendKeys("\n[STATUS] = 200");
            b.waitForText("#t-check", "not a condition");
            b.click("#target-form button[type=submit]");
            assertThat(b.find("#target-form").isDisplayed()).as("not saved while a condition is malformed").isTrue();
            b.click("dialog button.close");

            b.screenshot("console-health");
            b.click("tr[data-incident='" + incident + "'] button[data-action='resolve']");
            b.find("tr[data-incident='" + incident + "'][data-status='resolved']");
            assertThat(api.as(ApiKeys.READER).get("/api/v1/incidents/" + incident).then().extract().<String>path("status"))
                    .isEqualTo("resolved");

            b.signIn(ApiKeys.READER, "reader");
            b.find(row);
            assertThat(b.all("button.action")).as("a reader sees no action buttons").isEmpty();

            b.signIn(ApiKeys.WRITER, "writer");
            assertThat(b.all("button[data-action='open-incident']")).isEmpty();
            b.script("window.vigil.act('open incident', () => window.vigil.api('/api/v1/incidents', "
                    + "{method: 'POST', body: {title: 'x', severity: 'minor', targets: []}}))");
            b.waitForText("#vc-problem", "may not do this (403)");
            assertThat(b.find("body").getDomAttribute("data-pwned")).isNull();
            assertThat(b.consoleErrors().stream().filter(e -> e.contains("Content Security Policy"))).isEmpty();
        } finally {
            api.deleteTarget("console-web");
        }
    }
}
