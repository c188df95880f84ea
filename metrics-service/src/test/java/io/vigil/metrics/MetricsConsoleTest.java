package io.vigil.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
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
 * The console at {@code /} in headless Chromium against the real service: samples posted through the API show as an
 * endpoint row with the p95 the API computes, the endpoint's percentiles chart draws, the slowest request is listed,
 * an endpoint name carrying markup stays text, and the read-only console shows no action buttons.
 * Screenshot: target/console-metrics.png.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class MetricsConsoleTest {

    static final String XSS = "/orders/<img src=x onerror=\"document.body.dataset.pwned=1\">";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aReaderSeesAnEndpointsP95ChartsItAndSeesTheSlowRequest() {
        Instant at = Instant.now().minusSeconds(90);
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            samples.add(MetricsApiTest.sample("console-shop", "/checkout", "POST", i % 20 == 0 ? 500 : 200, i * 10.0, at));
            samples.add(MetricsApiTest.sample("console-shop", XSS, "GET", 200, 5, at));
        }
        samples.add(MetricsApiTest.sample("console-shop", "/checkout", "POST", 200, 4200, at));
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body(samples)
                .post("/api/v1/samples").then().statusCode(202);
        double[] p95 = new double[1];
        org.awaitility.Awaitility.await("the rollup is queryable").atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
            List<Map<String, Object>> rows = MetricsApiTest.endpoints("console-shop", "15m").getList("items");
            rows.stream().filter(r -> "/checkout".equals(r.get("endpoint"))).findFirst()
                    .ifPresent(r -> p95[0] = ((Number) r.get("p95Ms")).doubleValue());
            return p95[0] > 0 && rows.size() == 2;
        });

        try (Browser b = new Browser(root)) {
            b.open("/");
            b.waitForText("#endpoints-body", "Sign in");
            b.signIn(ApiKeys.READER, "reader");
            b.click("#window option[value='15m']");
            // the slowest-requests list is newest first across services unless one is picked: other test classes'
            // slow requests are newer than these
            b.click("#service option[value='console-shop']");
            String row = "tr[data-endpoint='console-shop POST /checkout']";
            b.find(row);
            b.until("p95 shown", () -> b.text(row).contains(String.valueOf(Math.round(p95[0]))) || b.text(row).contains(
                    String.format("%.1f s", p95[0] / 1000)));
            assertThat(b.text("#endpoints-table")).contains(XSS);
            assertThat(b.all("img[src='x']")).isEmpty();

            b.click(row + " button[data-chart]");
            b.find("#latency-chart .uplot");
            b.waitForText("#slow-table", "/checkout");
            assertThat(b.text("#slow-table")).contains("4.2 s");
            assertThat(b.all("button.action")).as("the metrics console has no actions").isEmpty();
            b.screenshot("console-metrics");
            assertThat(b.find("body").getDomAttribute("data-pwned")).isNull();
            assertThat(b.consoleErrors().stream().filter(e -> e.contains("Content Security Policy"))).isEmpty();
        }
    }
}
