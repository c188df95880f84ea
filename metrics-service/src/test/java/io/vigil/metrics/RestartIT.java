package io.vigil.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vigil.common.event.Streams;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.Resp;
import io.vigil.testing.ServiceProcess;

/** SIGKILL loses neither a closed bucket nor a sample that was accepted (REST answer or stream entry). */
class RestartIT {

    @Test
    void aKilledReplicaLosesNoClosedBucketAndNoAcceptedSample() throws Exception {
        try (Fleet fleet = new Fleet()) {
            ServiceProcess service = fleet.start("replica-1");
            List<Map<String, Object>> closed = ItSamples.generate("restart-svc", 3000, 11, Instant.now().minusSeconds(40));
            given().baseUri(service.baseUrl()).header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                    .body(closed).post("/api/v1/samples").then().statusCode(202);
            // Wait until the 10 s buckets are closed: their rollup events are out.
            try (Resp redis = new Resp(fleet.redis.port())) {
                ItSamples.await("rollups of the closed buckets", 30_000, () -> rollupCount(redis) > 0
                        && zcard(redis, "vigil:m:{10s}:open") == 0 && zcard(redis, "vigil:m:{10s}:closing") == 0);
            }
            JsonPath before = ItSamples.table(service, "restart-svc", "15m");
            assertThat(ItSamples.total(before)).isEqualTo(closed.size());

            // Open-bucket samples: some through REST (answered = accepted), some XADDed, then SIGKILL at once.
            Instant openAt = Instant.now();
            List<Map<String, Object>> open = ItSamples.generate("restart-svc", 2000, 12, openAt);
            given().baseUri(service.baseUrl()).header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON)
                    .body(open.subList(0, 1000)).post("/api/v1/samples").then().statusCode(202);
            ObjectMapper mapper = new ObjectMapper();
            try (Resp app = new Resp(fleet.redis.port())) {
                for (int i = 1000; i < 2000; i += 100) {
                    app.call("XADD", Streams.INGEST_SAMPLES, "*", "samples",
                            mapper.writeValueAsString(open.subList(i, i + 100)));
                }
            }
            service.kill();

            ServiceProcess restarted = fleet.start("replica-1");
            JsonPath after = ItSamples.table(restarted, "restart-svc", "15m");
            assertThat(ItSamples.total(after)).isGreaterThanOrEqualTo(closed.size());
            assertThat(ItSamples.awaitTotal(restarted, "restart-svc", "15m", closed.size() + 2000, 60_000))
                    .as("every accepted sample after the restart, each counted once").isEqualTo(closed.size() + 2000);
            // The closed buckets read back unchanged: the earlier rows are still there with the same counts. Windows
            // are whole buckets, so "to" is the start of the first bucket holding open samples (they span 3 s).
            long firstOpen = openAt.minusSeconds(3).getEpochSecond();
            JsonPath old = given().baseUri(restarted.baseUrl()).header("Authorization", ApiKeys.READER)
                    .queryParam("service", "restart-svc").queryParam("from", before.getString("from"))
                    .queryParam("to", Instant.ofEpochSecond(firstOpen - Math.floorMod(firstOpen, 10)).toString())
                    .get("/api/v1/metrics/endpoints").then().statusCode(200).extract().jsonPath();
            assertThat(ItSamples.total(old)).isEqualTo(closed.size());
        }
    }

    private static long rollupCount(Resp redis) {
        try {
            return (Long) redis.call("XLEN", Streams.METRICS_ROLLUP);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long zcard(Resp redis, String key) {
        try {
            return (Long) redis.call("ZCARD", key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
