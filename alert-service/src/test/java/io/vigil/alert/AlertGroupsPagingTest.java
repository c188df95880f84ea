package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.store.MongoDocs;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * {@code GET /api/v1/alerts/groups} at the scale the console must handle: 10,000 active alerts in 100 groups, paged
 * 30 groups at a time, count every alert exactly once in a stable order; bad paging parameters are 400 problem+json.
 * The alerts are written straight into the alert store in one batch (posting 10,000 through the API takes over a
 * minute here: each goes through the lifecycle and its notification group), and deleted afterwards.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class AlertGroupsPagingTest {

    static final int ALERTS = 10_000;
    static final int NAMES = 100;

    @Inject
    MongoDocs docs;

    @Test
    void tenThousandAlertsPageByGroupEachCountedOnce() {
        String run = "r" + Long.toHexString(System.nanoTime());
        long t0 = System.nanoTime();
        seed(run);
        long postedMs = (System.nanoTime() - t0) / 1_000_000;
        try {
            String filter = "&filter=scale=" + run;
            List<String> keys = new ArrayList<>();
            int counted = 0;
            long q0 = System.nanoTime();
            for (int offset = 0; offset < NAMES; offset += 30) {
                Map<String, Object> page = groups("?limit=30&offset=" + offset + filter);
                assertThat(page.get("total")).isEqualTo(NAMES);
                assertThat(page.get("alerts")).isEqualTo(ALERTS);
                for (Map<String, Object> g : items(page)) {
                    keys.add((String) g.get("groupKey"));
                    counted += (Integer) g.get("count");
                    assertThat(((Map<?, ?>) g.get("severities")).get("warning")).isEqualTo(g.get("count"));
                    assertThat((List<?>) g.get("alerts")).as("the first few alerts of the group").hasSize(5);
                }
            }
            long pagedMs = (System.nanoTime() - q0) / 1_000_000;
            System.out.printf("alert groups: stored %d alerts in %d ms, read 4 pages in %d ms%n", ALERTS, postedMs,
                    pagedMs);
            assertThat(keys).as("each group once, in key order (equal severities)").hasSize(NAMES)
                    .doesNotHaveDuplicates().isSorted();
            assertThat(counted).isEqualTo(ALERTS);

            // one group's alerts, paged: the pages are disjoint and in the same order as the group page showed them
            String key = keys.get(0);
            List<Object> first = alertsOf(group(key, 0));
            List<Object> second = alertsOf(group(key, 60));
            assertThat(first).hasSize(60);
            assertThat(second).hasSize(ALERTS / NAMES - 60);
            Set<Object> both = new HashSet<>(first);
            both.addAll(second);
            assertThat(both).hasSize(ALERTS / NAMES);

            // limit=0 only counts: what the console's silence preview asks
            Map<String, Object> count = groups("?limit=0&filter=scale=" + run + "&filter=alertname=Scale7");
            assertThat(count.get("alerts")).isEqualTo(ALERTS / NAMES);
            assertThat(items(count)).isEmpty();
        } finally {
            docs.collection(MongoDocs.ALERTS).deleteMany(Filters.eq("labels.scale", run));
        }
    }

    @Test
    void badPagingParametersAreProblems() {
        for (String[] bad : List.of(new String[] { "limit=-1", "limit" }, new String[] { "limit=201", "limit" },
                new String[] { "offset=-1", "offset" }, new String[] { "alertLimit=501", "alertLimit" },
                new String[] { "alertOffset=-5", "alertOffset" }, new String[] { "filter=no matcher", "filter" })) {
            given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/groups?" + bad[0]).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", startsWith(bad[1]));
        }
        given().get("/api/v1/alerts/groups").then().statusCode(401);
    }

    private void seed(String run) {
        long now = System.currentTimeMillis();
        List<Document> alerts = new ArrayList<>();
        for (int i = 0; i < ALERTS; i++) {
            AlertInstance a = new AlertInstance();
            a.fingerprint = run + "-" + i;
            a.ruleId = "external";
            a.labels = Map.of("alertname", "Scale" + (i % NAMES), "severity", "warning", "instance", "i" + i,
                    "scale", run);
            a.severity = "warning";
            a.state = AlertState.FIRING;
            a.activeAt = now - i; // distinct, so the order inside a group is the same on every call
            a.firingAt = a.activeAt;
            a.external = true;
            a.endsAt = now + 600_000;
            a.version = 1;
            alerts.add(docs.toDoc(a.fingerprint, a));
        }
        docs.collection(MongoDocs.ALERTS).insertMany(alerts);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> groups(String query) {
        return given().header("Authorization", ApiKeys.READER).get("/api/v1/alerts/groups" + query).then()
                .statusCode(200).extract().as(Map.class);
    }

    /** 60 alerts of one group from {@code alertOffset} (the key holds braces: a query parameter, not a template). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> group(String key, int alertOffset) {
        return given().header("Authorization", ApiKeys.READER).queryParam("group", key).queryParam("alertLimit", 60)
                .queryParam("alertOffset", alertOffset).get("/api/v1/alerts/groups").then().statusCode(200)
                .extract().as(Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    private static List<Object> alertsOf(Map<String, Object> page) {
        assertThat(items(page)).hasSize(1);
        return ((List<?>) items(page).get(0).get("alerts")).stream().map(a -> ((Map<?, ?>) a).get("fingerprint"))
                .map(Object.class::cast).toList();
    }
}
