package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vigil.testing.RedisServerResource;

/**
 * The real Prometheus (Debian's) sends its alerts to alert-service as to an Alertmanager, and the real amtool lists
 * them and adds and expires a silence.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class AlertmanagerCompatTest {

    @Test
    void prometheusSendsAlertsAndAmtoolListsThemAndManagesSilences() throws Exception {
        Path dir = Files.createTempDirectory("vigil-prom");
        int port = RestAssured.port;
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: test
                    rules:
                      - alert: AlwaysFiring
                        expr: vector(1)
                        labels: {severity: warning, team: core}
                        annotations: {summary: "from prometheus"}
                """);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [rules.yml]
                alerting:
                  alertmanagers:
                    - api_version: v2
                      authorization: {credentials: test-writer-key}
                      static_configs: [{targets: ["127.0.0.1:%d"]}]
                """.formatted(port));
        int promPort;
        try (ServerSocket s = new ServerSocket(0)) {
            promPort = s.getLocalPort();
        }
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort,
                // the first evaluation can precede notifier discovery (alert dropped); resend every second
                "--rules.alert.resend-delay=1s")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            Poll.until(() -> AlertApi.alerts(""), l -> l.stream().anyMatch(a -> "AlwaysFiring".equals(
                    ((java.util.Map<?, ?>) a.get("labels")).get("alertname"))), Duration.ofSeconds(30),
                    "Prometheus' alert to arrive");
        } finally {
            prometheus.destroy();
            prometheus.waitFor();
        }

        Files.writeString(dir.resolve("http.yml"), "authorization: {credentials: test-admin-key}\n");
        String base = "--alertmanager.url=http://127.0.0.1:" + port;
        String http = "--http.config.file=" + dir.resolve("http.yml");
        String alerts = amtool(base, http, "alert", "query", "-o", "json");
        assertThat(alerts).contains("AlwaysFiring", "from prometheus");

        String id = amtool(base, http, "silence", "add", "alertname=AlwaysFiring", "--duration=1h",
                "--author=ops", "--comment=maintenance").trim();
        assertThat(id).isNotBlank();
        assertThat(amtool(base, http, "silence", "query", "-o", "json")).contains(id, "AlwaysFiring");
        assertThat(amtool(base, http, "alert", "query", "-o", "json")).doesNotContain("AlwaysFiring");
        assertThat(amtool(base, http, "alert", "query", "-s", "-o", "json")).contains("AlwaysFiring", id);
        amtool(base, http, "silence", "expire", id);
        assertThat(amtool(base, http, "silence", "query", "-o", "json")).doesNotContain(id);
        assertThat(amtool(base, http, "silence", "query", "--expired", "-o", "json")).contains(id, "expired");
    }

    static String amtool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("amtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("amtool " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }
}
