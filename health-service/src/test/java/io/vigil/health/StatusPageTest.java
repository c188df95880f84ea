package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * The public status page in real headless Chromium (Debian's {@code chromium}): it renders what the API returns, and
 * the banner appears when a target goes DOWN. Screenshots are kept in {@code target/status-page-*.png}.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class StatusPageTest {

    @TestHTTPResource("/")
    URL page;

    final Api api = new Api();

    @Test
    void thePageShowsTargetsStatesIncidentsAndABannerWhenATargetIsDown() throws Exception {
        try (Stub stub = new Stub()) {
            Map<String, Object> web = Api.http("page-web", stub.url("/web"), 500);
            web.put("group", "storefront");
            api.createTarget(web);
            Map<String, Object> search = Api.http("page-search", stub.url("/search"), 500);
            search.put("group", "storefront");
            api.createTarget(search);
            Await.until("both UP", 15_000, () -> api.state("page-web").equals("UP") && api.state("page-search").equals("UP"));
            String incident = api.as(ApiKeys.ADMIN).body(Map.of("title", "Search is slow for some users",
                    "message", "We are looking into it", "severity", "minor", "targets", List.of("page-search")))
                    .post("/api/v1/incidents").then().statusCode(201).extract().path("id");

            String dom = render("up");
            assertThat(dom).contains("data-target=\"page-web\" data-state=\"UP\"")
                    .contains("data-target=\"page-search\" data-state=\"UP\"")
                    .contains("data-group=\"storefront\"")
                    .contains("Search is slow for some users")
                    .contains("data-incident=\"" + incident + "\"");
            assertThat(banner(dom)).as("no banner for these targets while they are up").doesNotContain("page-");
            String row = row(dom, "page-web");
            assertThat(row).contains("<polyline"); // response-time sparkline
            assertThat(row).contains("class=\"b-"); // the current hour's uptime bar has results
            assertThat(row).contains("UTC: no data"); // and the hours before it none

            stub.answer("/web", 503);
            Await.until("page-web DOWN", 10_000, () -> api.state("page-web").equals("DOWN"));
            Await.until("the page data has it", 10_000, () -> io.restassured.RestAssured.given().get("/api/v1/page")
                    .then().extract().jsonPath().getString("banner") != null);
            dom = render("down");
            assertThat(dom).contains("data-target=\"page-web\" data-state=\"DOWN\"");
            assertThat(banner(dom)).doesNotContain("hidden").contains("page-web");
            assertThat(dom).contains("[STATUS] == 200");

            api.as(ApiKeys.ADMIN).body(Map.of("message", "fixed")).post("/api/v1/incidents/" + incident + "/resolve");
            api.deleteTarget("page-web");
            api.deleteTarget("page-search");
        }
    }

    /** The markup of one target's row on the page. */
    private static String row(String dom, String target) {
        int start = dom.indexOf("data-target=\"" + target + "\"");
        int end = dom.indexOf("data-target=", start + 1);
        return dom.substring(start, end < 0 ? dom.length() : end);
    }

    private static String banner(String dom) {
        int i = dom.indexOf("id=\"banner\"");
        return dom.substring(dom.lastIndexOf('<', i), dom.indexOf('>', i) + 1) + dom.substring(dom.indexOf('>', i) + 1,
                dom.indexOf("</div>", i));
    }

    /** Loads the page in headless Chromium: returns the DOM after scripts ran and keeps a screenshot. */
    private String render(String name) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("vigil-chromium-");
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path shot = target.resolve("status-page-" + name + ".png");
        run(profile, List.of("--screenshot=" + shot, "--window-size=1280,900", page.toString()));
        assertThat(shot).exists();
        return run(profile, List.of("--dump-dom", page.toString()));
    }

    private static String run(Path profile, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/chromium", "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(args);
        Path out = Files.createTempFile("chromium-", ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s");
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return dom;
    }
}
