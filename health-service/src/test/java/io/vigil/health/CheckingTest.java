package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vigil.mongo.embedded.EmbeddedMongo;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServer;
import io.vigil.testing.RedisServerResource;

/** Checks against real servers on loopback: conditions, thresholds, timeouts, every target type, history and uptime. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class CheckingTest {

    @Inject
    RedisDataSource redis;

    final Api api = new Api();

    @Test
    void anHttpTargetGoesUpThenDownWithItsReasonAndOneEventPerTransition() {
        try (Stub stub = new Stub()) {
            Map<String, Object> t = Api.http("http-updown", stub.url("/health"), 500);
            t.put("labels", Map.of("team", "core"));
            api.createTarget(t);
            Await.until("UP", 10_000, () -> api.state("http-updown").equals("UP"));
            stub.answer("/health", 503);
            Await.until("DOWN", 10_000, () -> api.state("http-updown").equals("DOWN"));
            // (On a loaded machine a check may also time out; the next one has the 503.)
            Await.until("the reason names the condition", 10_000, () -> api.as(ApiKeys.READER)
                    .get("/api/v1/status/targets/http-updown").then().extract().path("reason")
                    .equals("[STATUS] == 200 (got 503)"));

            Await.until("two events", 5_000, () -> Events.of(redis, "http-updown").size() == 2);
            List<Events.Event> events = Events.of(redis, "http-updown");
            assertThat(Events.changes(redis, "http-updown")).containsExactly("UNKNOWN->UP", "UP->DOWN");
            Events.Event down = events.get(1);
            assertThat(down.type()).isEqualTo("health.transition");
            assertThat(down.payload().get("group").asText()).isEqualTo("default");
            assertThat(down.payload().get("reason").asText()).contains("[STATUS] == 200 (got ");
            assertThat(down.payload().get("checkedAt").asText()).endsWith("Z");
            assertThat(down.payload().get("latencyMs").isNumber()).isTrue();
            assertThat(down.payload().get("dependsOn").isArray()).isTrue();
            assertThat(down.payload().get("labels").get("team").asText()).isEqualTo("core");

            // History, uptime and the transitions of the window agree with what happened.
            Await.until("results in MongoDB", 5_000, () -> api.as(ApiKeys.READER)
                    .get("/api/v1/targets/http-updown/history").then().extract().jsonPath()
                    .getList("items.findAll { it.outcome == 'DOWN' }").size() > 0);
            // Paged newest first: the next page continues where the first ended.
            Await.until("four results stored", 10_000, () -> api.as(ApiKeys.READER)
                    .get("/api/v1/targets/http-updown/history").then().extract().jsonPath().getList("items").size() >= 4);
            JsonPath first = api.as(ApiKeys.READER).queryParam("limit", 2).get("/api/v1/targets/http-updown/history")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(first.getList("items")).hasSize(2);
            JsonPath second = api.as(ApiKeys.READER).queryParam("limit", 2)
                    .queryParam("cursor", first.getString("nextCursor"))
                    .get("/api/v1/targets/http-updown/history").then().statusCode(200).extract().jsonPath();
            assertThat(second.getLong("items[0].checkedAt")).isLessThan(first.getLong("items[1].checkedAt"));
            api.as(ApiKeys.READER).queryParam("cursor", "bogus!").get("/api/v1/targets/http-updown/history").then()
                    .statusCode(400);
            JsonPath uptime = api.as(ApiKeys.READER).get("/api/v1/targets/http-updown/uptime").then().statusCode(200)
                    .extract().jsonPath();
            // Results are kept 7 days: there is no 30-day window (TargetApiTest.uptimeIsAggregatedOverTheWindowsThatExist).
            assertThat(uptime.getList("window")).containsExactly("1h", "24h", "7d");
            assertThat(uptime.getDouble("[0].uptimePercent")).isBetween(0.1, 99.9);
            assertThat(uptime.getLong("[0].p99Ms")).isGreaterThanOrEqualTo(uptime.getLong("[0].p50Ms"));
            assertThat(api.transitions("http-updown")).extracting(m -> m.get("from") + "->" + m.get("to"))
                    .containsExactly("UP->DOWN", "UNKNOWN->UP");
        } finally {
            api.deleteTarget("http-updown");
        }
    }

    @Test
    void aFlappingTargetChangesStateOnlyAfterItsThresholds() {
        try (Stub stub = new Stub()) {
            // 500 ms, not less: the timeout equals the interval, and a check timed out on a busy machine is a failure
            // of its own that would make three in a row.
            Map<String, Object> t = Api.http("flappy", stub.url("/flap"), 500);
            t.put("failureThreshold", 3);
            t.put("successThreshold", 2);
            api.createTarget(t);
            Await.until("UP", 10_000, () -> api.state("flappy").equals("UP"));
            // Two failures in a row at most: below the failure threshold of 3.
            stub.cycle("/flap", 503, 503, 200);
            int start = stub.count("/flap");
            Await.until("a dozen flapping checks", 15_000, () -> stub.count("/flap") >= start + 12);
            assertThat(api.state("flappy")).isEqualTo("UP");
            // Three failures in a row, then a single success: DOWN, and one success is below the success threshold.
            stub.cycle("/flap", 503, 503, 503, 200);
            Await.until("DOWN", 10_000, () -> api.state("flappy").equals("DOWN"));
            int now = stub.count("/flap");
            Await.until("more flapping checks", 15_000, () -> stub.count("/flap") >= now + 8);
            assertThat(api.state("flappy")).isEqualTo("DOWN");
            assertThat(Events.changes(redis, "flappy")).containsExactly("UNKNOWN->UP", "UP->DOWN");
            api.deleteTarget("flappy");
        }
    }

    @Test
    void aHungTargetDoesNotDelayTheOthers() {
        try (Stub stub = new Stub()) {
            stub.answer("/hang", 200, "", 30_000);
            Map<String, Object> hung = Api.http("hung", stub.url("/hang"), 2000);
            hung.put("timeoutMs", 2000);
            api.createTarget(hung);
            for (int i = 0; i < 10; i++) {
                api.createTarget(Api.http("quick-" + i, stub.url("/quick-" + i), 300));
            }
            Await.until("hung is DOWN", 10_000, () -> api.state("hung").equals("DOWN"));
            api.as(ApiKeys.READER).get("/api/v1/status/targets/hung").then()
                    .body("reason", containsString("timed out after 2000 ms"));
            int before = stub.count("/quick-0");
            long t0 = System.currentTimeMillis();
            Await.until("quick checks continue", 10_000, () -> stub.count("/quick-0") >= before + 8);
            long perCheck = (System.currentTimeMillis() - t0) / 8;
            // Every 300 ms (slower on a loaded machine), not held up by the hung target's 2 s timeout or 30 s answer.
            assertThat(perCheck).isLessThan(1200);
            for (int i = 0; i < 10; i++) {
                assertThat(api.state("quick-" + i)).isEqualTo("UP");
                JsonPath h = api.as(ApiKeys.READER).get("/api/v1/targets/quick-" + i + "/history").then().extract().jsonPath();
                // Within their own 300 ms timeout (plus slack on a busy machine), never the hung one's 2 s.
                assertThat(h.getList("items.latencyMs", Long.class)).allMatch(ms -> ms < 1000);
            }
            JsonPath hh = api.as(ApiKeys.READER).get("/api/v1/targets/hung/history").then().extract().jsonPath();
            assertThat(hh.getList("items.latencyMs", Long.class)).allMatch(ms -> ms < 3000);
            api.deleteTarget("hung");
            for (int i = 0; i < 10; i++) {
                api.deleteTarget("quick-" + i);
            }
        }
    }

    @Test
    void softConditionsMakeATargetDegradedAndBodyConditionsAreChecked() {
        try (Stub stub = new Stub()) {
            stub.answer("/slow", 200, "{\"status\":\"UP\"}", 120);
            stub.answer("/json", 200, "{\"status\":\"DOWN\",\"checks\":[]}", 0);
            Map<String, Object> slow = Api.http("slow-ok", stub.url("/slow"), 400);
            slow.put("conditions", List.of("[STATUS] == 200", "[BODY].status == UP"));
            slow.put("softConditions", List.of("[RESPONSE_TIME] < 50"));
            api.createTarget(slow);
            Map<String, Object> json = Api.http("json-down", stub.url("/json"), 400);
            json.put("conditions", List.of("[STATUS] == any(200, 204)", "[BODY].status == UP"));
            api.createTarget(json);
            Await.until("DEGRADED", 10_000, () -> api.state("slow-ok").equals("DEGRADED"));
            Await.until("DOWN", 10_000, () -> api.state("json-down").equals("DOWN"));
            api.as(ApiKeys.READER).get("/api/v1/status/targets/slow-ok").then()
                    .body("reason", containsString("[RESPONSE_TIME] < 50"));
            api.as(ApiKeys.READER).get("/api/v1/status/targets/json-down").then()
                    .body("reason", containsString("[BODY].status == UP (got DOWN)"));
            api.as(ApiKeys.READER).get("/api/v1/badges/slow-ok").then().statusCode(200)
                    .body("schemaVersion", equalTo(1)).body("message", equalTo("degraded")).body("color", equalTo("yellow"));
            api.deleteTarget("slow-ok");
            api.deleteTarget("json-down");
        }
    }

    @Test
    void redisMongoTcpAndTlsTargetsAreChecked() throws Exception {
        MongoServer mongo = EmbeddedMongo.newServer(new MemoryBackend());
        InetSocketAddress mongoAddress = mongo.bind();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Stub stub = new Stub(); TlsServer tls = new TlsServer()) {
            int redisPort = RedisServerResource.portOf("t-redis"); // on a cluster, one of its masters
            api.createTarget(target("t-redis", "redis", "redis://127.0.0.1:" + redisPort));
            api.createTarget(target("t-mongo", "mongodb", "mongodb://127.0.0.1:" + mongoAddress.getPort()));
            api.createTarget(target("t-tcp", "tcp", "tcp://" + stub.url("").substring(7)));
            api.createTarget(target("t-tcp-closed", "tcp", "tcp://127.0.0.1:" + closedPort));
            // A TLS handshake is several round trips and a JVM's first ones are slow: 300 ms times out on a busy machine.
            Map<String, Object> tlsTarget = target("t-tls", "tls", "tls://127.0.0.1:" + tls.port());
            tlsTarget.putAll(Map.of("intervalMs", 2000, "timeoutMs", 2000));
            api.createTarget(tlsTarget);
            Map<String, Object> expiring = target("t-tls-expiring", "tls", "tls://127.0.0.1:" + tls.port());
            expiring.putAll(Map.of("intervalMs", 2000, "timeoutMs", 2000));
            expiring.put("softConditions", List.of("[CERTIFICATE_EXPIRATION] > 60d"));
            api.createTarget(expiring);
            for (String up : List.of("t-redis", "t-mongo", "t-tcp", "t-tls")) {
                Await.until(up + " UP", 10_000, () -> api.state(up).equals("UP"));
            }
            Await.until("closed port DOWN", 10_000, () -> api.state("t-tcp-closed").equals("DOWN"));
            api.as(ApiKeys.READER).get("/api/v1/status/targets/t-tcp-closed").then()
                    .body("reason", containsString("connection refused"));
            // The certificate is valid for 30 days: above 72h (default condition), below the 60 d soft condition.
            Await.until("expiring DEGRADED", 10_000, () -> api.state("t-tls-expiring").equals("DEGRADED"));
            api.as(ApiKeys.READER).get("/api/v1/status/targets/t-tls-expiring").then()
                    .body("reason", containsString("[CERTIFICATE_EXPIRATION] > 60d"));
            mongo.shutdownNow();
            Await.until("mongo DOWN", 10_000, () -> api.state("t-mongo").equals("DOWN"));
        } finally {
            mongo.shutdownNow();
            for (String n : List.of("t-redis", "t-mongo", "t-tcp", "t-tcp-closed", "t-tls", "t-tls-expiring")) {
                api.deleteTarget(n);
            }
        }
    }

    @Test
    void resultsResumeAfterRedisRestartsWithoutRestartingTheService() {
        assumeFalse(RedisServerResource.clusterMode(),
                "kills and restarts the single redis-server; on Redis Cluster failover is ClusterFailoverIT's");
        try (Stub stub = new Stub()) {
            api.createTarget(Api.http("survivor", stub.url("/s"), 300));
            Await.until("UP", 10_000, () -> api.state("survivor").equals("UP"));
            RedisServer server = RedisServerResource.server();
            server.kill();
            int during = stub.count("/s");
            server.start();
            Await.until("checks resume", 20_000, () -> stub.count("/s") >= during + 5);
            Await.until("status readable again", 10_000, () -> api.state("survivor").equals("UP"));
            assertThat(Events.changes(redis, "survivor")).containsExactly("UNKNOWN->UP");
            api.deleteTarget("survivor");
        }
    }

    static Map<String, Object> target(String name, String type, String url) {
        return new HashMap<>(Map.of("name", name, "type", type, "url", url, "intervalMs", 300, "timeoutMs", 300,
                "failureThreshold", 1, "successThreshold", 1));
    }

    /** A TLS server with a self-signed certificate valid for 30 days (made by the JDK's keytool). */
    static final class TlsServer implements AutoCloseable {
        private final SSLServerSocket socket;
        private final Thread acceptor;

        TlsServer() throws Exception {
            Path dir = Files.createTempDirectory("vigil-tls-");
            Path ks = dir.resolve("ks.p12");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "t", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "30",
                    "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "secret", "-keypass", "secret")
                    .redirectErrorStream(true).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(new String(p.getInputStream().readAllBytes()));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                store.load(in, "secret".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "secret".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                    java.net.InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (SSLSocket client = (SSLSocket) socket.accept()) {
                        client.startHandshake();
                        OutputStream out = client.getOutputStream();
                        out.flush();
                    } catch (IOException ignored) {
                        // client went away or the server closed
                    }
                }
            }, "tls-stub");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
