package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vigil.common.event.Streams;
import io.vigil.mongo.embedded.EmbeddedMongo;
import io.vigil.testing.RedisServer;
import io.vigil.testing.ServiceProcess;

/**
 * Two packaged replicas on one Redis and one MongoDB, with targets from configuration (as a ConfigMap declares them):
 * each target is checked once per interval across both (the stub counts requests), every transition is published
 * once, and after one replica is SIGKILLed the other checks all targets within one interval.
 */
class FleetIT {

    static final int TARGETS = 20;
    static final long INTERVAL_MS = 1000;

    @Test
    void twoReplicasCheckEachTargetOncePerIntervalPublishOnceAndSurviveASigkill() throws Exception {
        MongoServer mongo = EmbeddedMongo.newServer(new MemoryBackend());
        InetSocketAddress mongoAddress = mongo.bind();
        List<ServiceProcess> replicas = new ArrayList<>();
        try (RedisServer redis = new RedisServer(true).start(); Stub stub = new Stub()) {
            for (String name : List.of("replica-a", "replica-b")) {
                Map<String, String> props = new LinkedHashMap<>();
                props.put("quarkus.redis.hosts", redis.url());
                props.put("quarkus.mongodb.connection-string", "mongodb://127.0.0.1:" + mongoAddress.getPort());
                props.put("vigil.streams.instance", name);
                props.put("vigil.health.services.enabled", "false");
                for (int i = 0; i < TARGETS; i++) {
                    String p = "vigil.health.targets.fleet-" + i + ".";
                    props.put(p + "type", "http");
                    props.put(p + "url", stub.url("/t" + i));
                    props.put(p + "interval", INTERVAL_MS + "ms");
                    props.put(p + "timeout", "900ms");
                    props.put(p + "failure-threshold", "2");
                    props.put(p + "group", "fleet");
                }
                ServiceProcess replica = new ServiceProcess(Path.of(System.getProperty("user.dir")), props);
                replicas.add(replica);
            }
            ServiceProcess.startAll(replicas, Duration.ofSeconds(90));
            int[] none = new int[TARGETS];
            Await.until("every target checked", 20_000, () -> allAbove(stub, none, 2));

            // Once per interval across both replicas: over ~6 intervals, about 6 requests per target, not 12.
            assertOncePerInterval(stub, 6, "both replicas");
            // Both replicas took part.
            assertThat(checksRun(replicas.get(0))).isPositive();
            assertThat(checksRun(replicas.get(1))).isPositive();

            // Every target goes DOWN: exactly one UP->DOWN event per target, whichever replica saw it.
            for (int i = 0; i < TARGETS; i++) {
                stub.answer("/t" + i, 503);
            }
            Await.until("a DOWN event per target", 20_000, () -> downEvents(redis) >= TARGETS);
            int[] mark = counts(stub);
            Await.until("three more intervals", 20_000, () -> allAbove(stub, mark, 3));
            List<String> events = transitionPayloads(redis);
            for (int i = 0; i < TARGETS; i++) {
                String target = "\"target\":\"fleet-" + i + "\"";
                assertThat(events.stream().filter(e -> e.contains(target)).map(FleetIT::change).toList())
                        .as("events of fleet-" + i).containsExactly("UNKNOWN->UP", "UP->DOWN");
            }

            // SIGKILL one replica: the other checks every target within one interval (plus a tick).
            for (int i = 0; i < TARGETS; i++) {
                stub.answer("/t" + i, 200);
            }
            replicas.get(0).kill();
            int[] atKill = counts(stub);
            long killedAt = System.currentTimeMillis();
            Await.until("every target checked again", 10_000, () -> allAbove(stub, atKill, 1));
            assertThat(System.currentTimeMillis() - killedAt).isLessThan(INTERVAL_MS + 1000);
            // And it keeps checking at the same rate alone.
            assertOncePerInterval(stub, 4, "the survivor");
        } finally {
            replicas.forEach(ServiceProcess::kill);
            mongo.shutdownNow();
        }
    }

    /** Over about {@code intervals} intervals, each target gets one request per interval (within a tick's slack). */
    static void assertOncePerInterval(Stub stub, int intervals, String who) {
        int[] before = counts(stub);
        long t0 = System.currentTimeMillis();
        Await.until(intervals + " intervals", 30_000, () -> System.currentTimeMillis() - t0 >= intervals * INTERVAL_MS);
        int[] after = counts(stub);
        double n = (System.currentTimeMillis() - t0) / (double) INTERVAL_MS;
        for (int i = 0; i < TARGETS; i++) {
            assertThat((double) (after[i] - before[i])).as("checks of fleet-" + i + " by " + who)
                    .isBetween(n - 2, n + 1);
        }
    }

    /** Whether every target got at least {@code delta} requests since {@code base}. */
    static boolean allAbove(Stub stub, int[] base, int delta) {
        int[] now = counts(stub);
        for (int i = 0; i < TARGETS; i++) {
            if (now[i] < base[i] + delta) {
                return false;
            }
        }
        return true;
    }

    static int[] counts(Stub stub) {
        int[] c = new int[TARGETS];
        for (int i = 0; i < TARGETS; i++) {
            c[i] = stub.count("/t" + i);
        }
        return c;
    }

    static long checksRun(ServiceProcess p) {
        String metrics = io.restassured.RestAssured.given().baseUri(p.baseUrl()).get("/q/metrics").then()
                .statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("vigil_health_check_duration_seconds_count"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static long downEvents(RedisServer redis) {
        return transitionPayloads(redis).stream().filter(e -> e.contains("\"to\":\"DOWN\"")).count();
    }

    static String change(String payload) {
        return field(payload, "from") + "->" + field(payload, "to");
    }

    static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(i, json.indexOf('"', i));
    }

    /** The payloads on the transition stream, read with redis-cli as any consumer would see them. */
    static List<String> transitionPayloads(RedisServer redis) {
        try {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(redis.port()), "--raw", "XRANGE",
                    Streams.HEALTH_TRANSITION, "-", "+").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().filter(l -> l.startsWith("{\"target\"")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
