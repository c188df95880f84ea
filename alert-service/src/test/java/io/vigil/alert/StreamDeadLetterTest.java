package io.vigil.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vigil.alert.stream.SignalReader;
import io.vigil.common.event.EventEnvelope;
import io.vigil.common.event.Streams;
import io.vigil.common.stream.DeadLetterFields;
import io.vigil.testing.ApiKeys;
import io.vigil.testing.RedisServerResource;

/**
 * vigil-common's stream dead-letter API in alert-service: a breach parked while MongoDB was down (as the consumers
 * did before outages stopped counting toward max-deliveries) is listed, paged and replayed, and then fires its alert.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class StreamDeadLetterTest extends HookedTest {

    private static final String PATH = "/api/v1/admin/streams/dead-letters";
    private static final String DEAD = Streams.deadLetter(Streams.METRICS_LIVE, SignalReader.GROUP);

    private static RequestSpecification admin() {
        return given().header("Authorization", ApiKeys.ADMIN);
    }

    @Test
    void aBreachDeadLetteredDuringAnOutageIsListedPagedAndReplayedThenFires() {
        AlertApi.putRouting(AlertApi.webhookRouting(hook.url("/hook"))).statusCode(200);
        AlertApi.putRule(AlertApi.metricsRule("dlq-p95", "dlq1", "p95Ms > 500", 0, 0)).statusCode(201);
        EventEnvelope breach = Signals.live("dlq1", "/pay", "2xx", 100, 0, 800);
        Map<String, String> parked = new HashMap<>(breach.toFields());
        parked.put(DeadLetterFields.REASON, "delivered more than 5 times");
        parked.put(DeadLetterFields.ORIGINAL_ID, "1700000000000-0");
        String breachEntry = redis.stream(String.class).xadd(DEAD, parked);
        // a copy kept for inspection of an entry that was handled anyway: never replayed
        String copy = redis.stream(String.class).xadd(DEAD, Map.of("garbage", "yes", DeadLetterFields.REASON,
                "not an envelope", DeadLetterFields.INSPECTION_COPY, "true"));

        JsonPath listing = admin().get(PATH).then().statusCode(200).extract().jsonPath();
        assertThat(listing.getList("deadLetters.stream")).contains(Streams.METRICS_LIVE, Streams.HEALTH_TRANSITION,
                Streams.QUEUE);
        assertThat(listing.getLong("deadLetters.find { it.stream == '" + Streams.METRICS_LIVE + "' }.count"))
                .isEqualTo(2);

        JsonPath first = admin().queryParam("limit", 1).get(PATH + "/{stream}", Streams.METRICS_LIVE).then()
                .statusCode(200).body("count", equalTo(2)).body("group", equalTo(SignalReader.GROUP))
                .extract().jsonPath();
        assertThat(first.getString("entries[0].id")).isEqualTo(breachEntry);
        assertThat(first.getString("entries[0].originalId")).isEqualTo("1700000000000-0");
        assertThat(first.getString("entries[0].reason")).isEqualTo("delivered more than 5 times");
        assertThat(first.getString("entries[0].fields.id")).isEqualTo(breach.id());
        assertThat(first.getMap("entries[0].fields")).doesNotContainKey(DeadLetterFields.REASON);
        JsonPath second = admin().queryParam("limit", 1).queryParam("cursor", first.getString("nextCursor"))
                .get(PATH + "/{stream}", Streams.METRICS_LIVE).then().statusCode(200).extract().jsonPath();
        assertThat(second.getString("entries[0].id")).isEqualTo(copy);
        assertThat(second.getBoolean("entries[0].replayable")).isFalse();

        JsonPath replay = admin().contentType(ContentType.JSON).body(Map.of("ids", List.of(breachEntry)))
                .post(PATH + "/{stream}/replay", Streams.METRICS_LIVE).then().statusCode(200).extract().jsonPath();
        assertThat(replay.getLong("replayed")).isEqualTo(1);
        hook.await(r -> r.body().contains("dlq-p95") && r.body().contains("\"firing\""), 1, Duration.ofSeconds(10));

        // replay all: the inspection copy stays; a replayed id is gone
        admin().contentType(ContentType.JSON).body("{}").post(PATH + "/{stream}/replay", Streams.METRICS_LIVE).then()
                .statusCode(200)
                .body("replayed", equalTo(0)).body("skipped[0].id", equalTo(copy));
        admin().contentType(ContentType.JSON).body(Map.of("ids", List.of(breachEntry)))
                .post(PATH + "/{stream}/replay", Streams.METRICS_LIVE).then().statusCode(200)
                .body("notFound", equalTo(List.of(breachEntry)));
        assertThat(redis.stream(String.class).xlen(DEAD)).isEqualTo(1);
    }

    @Test
    void badPagingIs400UnknownStreamsAre404AndOnlyAdminsGetIn() {
        for (String limit : List.of("0", "1001", "ten")) {
            admin().queryParam("limit", limit).get(PATH + "/{stream}", Streams.METRICS_LIVE).then().statusCode(400)
                    .contentType(containsString("application/problem+json")).body("errors[0].field", equalTo("limit"));
        }
        admin().queryParam("cursor", "yesterday").get(PATH + "/{stream}", Streams.METRICS_LIVE).then()
                .statusCode(400).contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("cursor"));
        admin().contentType(ContentType.JSON).body(Map.of("ids", List.of("*")))
                .post(PATH + "/{stream}/replay", Streams.METRICS_LIVE).then().statusCode(400)
                .body("errors[0].field", equalTo("ids[0]"));
        admin().get(PATH + "/{stream}", "vigil:events:nope").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        admin().contentType(ContentType.JSON).body("{}").post(PATH + "/{stream}/replay", Streams.INGEST_SAMPLES)
                .then().statusCode(404);
        given().header("Authorization", ApiKeys.WRITER).contentType(ContentType.JSON).body("{}").post(PATH + "/{stream}/replay", Streams.METRICS_LIVE).then()
                .statusCode(403);
        given().header("Authorization", ApiKeys.READER).get(PATH).then().statusCode(403);
    }
}
