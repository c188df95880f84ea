package io.vigil.metrics;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import io.restassured.path.json.JsonPath;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.ServiceProcess;

/** Random sample sets with their exact statistics, and the polling the ITs need. */
final class ItSamples {

    static List<Map<String, Object>> generate(String service, int n, long seed, Instant at) {
        Random random = new Random(seed);
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("service", service);
            s.put("endpoint", "/e" + random.nextInt(3));
            s.put("method", "GET");
            s.put("status", random.nextInt(20) == 0 ? 500 : 200);
            s.put("durationMs", Math.round(Math.exp(Math.log(50) + random.nextGaussian()) * 1000) / 1000.0);
            s.put("timestamp", at.minusMillis(random.nextInt(3000)).toString());
            out.add(s);
        }
        return out;
    }

    static double[] sortedDurations(List<Map<String, Object>> samples, String endpoint) {
        double[] v = samples.stream().filter(s -> s.get("endpoint").equals(endpoint))
                .mapToDouble(s -> (Double) s.get("durationMs")).toArray();
        Arrays.sort(v);
        return v;
    }

    static JsonPath table(ServiceProcess p, String service, String window) {
        return given().baseUri(p.baseUrl()).header("Authorization", ApiKeys.READER).queryParam("service", service)
                .queryParam("window", window).get("/api/v1/metrics/endpoints").then().statusCode(200).extract()
                .jsonPath();
    }

    static long total(JsonPath table) {
        return table.getList("items.count", Long.class).stream().mapToLong(Long::longValue).sum();
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /** Waits until the service's total for a window stops changing at the expected value; returns the last total. */
    static long awaitTotal(ServiceProcess p, String service, String window, long expected, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long last = -1;
        while (System.currentTimeMillis() < deadline) {
            last = total(table(p, service, window));
            if (last == expected) {
                return last;
            }
            Thread.sleep(250);
        }
        return last;
    }

    private ItSamples() {
    }
}
