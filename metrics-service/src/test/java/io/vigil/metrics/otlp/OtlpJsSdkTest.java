package io.vigil.metrics.otlp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * A second client nobody here wrote, in another language: the OpenTelemetry JavaScript SDK (npm) exports spans and a
 * duration histogram over OTLP/HTTP protobuf with gzip; both are read back through the REST API and Prometheus text.
 * It stands in for the Python SDK, which cannot be installed here (no PyPI). Skipped, saying why, when node
 * or the npm registry is not there.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class OtlpJsSdkTest {

    static final Path DIR = Path.of("target/otlp-js");
    static final int SPANS = 2000;

    @TestHTTPResource("/")
    URL base;

    static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Installs the SDK (pinned in src/test/js/package.json) into target/otlp-js once; never committed. */
    static void install() throws Exception {
        Files.createDirectories(DIR);
        for (String file : List.of("package.json", "export.mjs")) {
            Files.copy(Path.of("src/test/js", file), DIR.resolve(file),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            run(List.of("node", "--version"), 30);
        } catch (IOException e) {
            Assumptions.abort("node is not installed: " + e.getMessage());
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/@opentelemetry/exporter-trace-otlp-proto"))) {
            try {
                run(List.of("npm", "install", "--no-audit", "--no-fund"), 600);
            } catch (IOException e) {
                Assumptions.abort("the OpenTelemetry JS SDK could not be installed from npm: " + e.getMessage());
            }
        }
    }

    @Test
    void javascriptSdkSpansAndHistogramsReadBackThroughRestAndPrometheus() throws Exception {
        install();
        String url = base.toString().replaceAll("/$", "");
        String out = run(List.of("node", "export.mjs", url, ApiKeys.WRITER.substring("Bearer ".length()), "js-client",
                Integer.toString(SPANS)), 300);
        JsonNode generated = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        double[] ms = new double[generated.get("durationsMs").size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = generated.get("durationsMs").get(i).asDouble();
        }
        assertThat(ms).hasSize(SPANS);

        OtlpReceiverTest.assertPercentiles("js-client", "/js/items/{id}", ms, 0.01);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String text = given().get("/q/metrics").asString();
            double count = text.lines().filter(l -> l.startsWith("vigil_http_request_duration_seconds_count{")
                    && l.contains("service=\"js-client\"") && l.contains("endpoint=\"/js/items/{id}\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(count).isEqualTo(SPANS);
        });
        // The histogram (explicit buckets by default): every request counted, the series listed as an estimate
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(OtlpReceiverTest
                .endpoints("js-client-hist").getInt("items.find { it.endpoint == '/js/hist' }.count")).isEqualTo(SPANS));
        Map<String, String> estimates = given().header("Authorization", ApiKeys.READER)
                .queryParam("service", "js-client-hist").get("/api/v1/otlp/estimates").then().statusCode(200)
                .extract().jsonPath().getMap("$");
        assertThat(estimates.get("/js/hist|GET")).startsWith("explicit-buckets");
    }
}
