package io.vigil.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.path.json.JsonPath;
import io.vigil.common.event.Streams;
import io.vigil.metrics.domain.LatencyBins;
import io.vigil.testing.Resp;
import io.vigil.testing.ServiceProcess;

/** Two replicas share one consumer group: each aggregates part of the stream, both answer with the whole. */
class TwoReplicasIT {

    @Test
    void bothReplicasAnswerWithTheMergedResultOfTheWholeStream() throws Exception {
        try (Fleet fleet = new Fleet()) {
            ServiceProcess a = fleet.start("replica-a");
            ServiceProcess b = fleet.start("replica-b");
            // Half of the samples lie in already-closable buckets (read back from MongoDB), half in open ones.
            List<Map<String, Object>> all = new java.util.ArrayList<>(
                    ItSamples.generate("fleet-svc", 6000, 7, Instant.now().minusSeconds(40)));
            all.addAll(ItSamples.generate("fleet-svc", 6000, 8, Instant.now()));
            ObjectMapper mapper = new ObjectMapper();
            try (Resp app = new Resp(fleet.redis.port())) {
                for (int i = 0; i < all.size(); i += 50) {
                    app.call("XADD", Streams.INGEST_SAMPLES, "*", "samples",
                            mapper.writeValueAsString(all.subList(i, i + 50)));
                }
            }

            ItSamples.await("all samples aggregated", 60_000,
                    () -> ItSamples.total(ItSamples.table(a, "fleet-svc", "1h")) == all.size());
            // Both replicas took part in the consumer group.
            assertThat(acceptedFromStream(a)).isPositive();
            assertThat(acceptedFromStream(b)).isPositive();
            assertThat(acceptedFromStream(a) + acceptedFromStream(b)).isEqualTo(all.size());

            JsonPath fromA = ItSamples.table(a, "fleet-svc", "1h");
            JsonPath fromB = ItSamples.table(b, "fleet-svc", "1h");
            // Same rows from both (throughputPerMin aside: it divides by a window ending "now" at each call).
            assertThat(withoutThroughput(fromB)).isEqualTo(withoutThroughput(fromA));
            for (int e = 0; e < 3; e++) {
                String endpoint = "/e" + e;
                double[] exact = ItSamples.sortedDurations(all, endpoint);
                String row = "items.find { it.endpoint == '" + endpoint + "' }.";
                assertThat(fromB.getLong(row + "count")).isEqualTo(exact.length);
                for (double q : new double[] { 0.5, 0.95, 0.99 }) {
                    double expected = exact[(int) Math.ceil(q * exact.length) - 1];
                    String field = q == 0.5 ? "p50Ms" : q == 0.95 ? "p95Ms" : "p99Ms";
                    assertThat(fromB.getDouble(row + field)).as(endpoint + " " + field)
                            .isCloseTo(expected, within(expected * LatencyBins.ALPHA + 0.001));
                }
                assertThat(fromB.getDouble(row + "maxMs")).isCloseTo(exact[exact.length - 1], within(0.001));
            }
        }
    }

    static List<Map<String, Object>> withoutThroughput(JsonPath table) {
        List<Map<String, Object>> rows = table.getList("items");
        rows.forEach(r -> r.remove("throughputPerMin"));
        return rows;
    }

    static long acceptedFromStream(ServiceProcess p) {
        String metrics = given().baseUri(p.baseUrl()).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("vigil_metrics_samples_total") && l.contains("path=\"stream\"")
                        && l.contains("outcome=\"accepted\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
