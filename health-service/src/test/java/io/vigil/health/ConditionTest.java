package io.vigil.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.vigil.health.domain.Condition;
import io.vigil.health.domain.Observation;

/** The Gatus condition forms users copy from their Gatus configuration. */
class ConditionTest {

    static Observation http(int status, long ms, String body) {
        return new Observation(status, ms, body, true, null, null);
    }

    @Test
    void gatusFormsHoldAndFailAsInGatus() {
        assertThat(Condition.parse("[STATUS] == 200").failure(http(200, 5, ""))).isNull();
        assertThat(Condition.parse("[STATUS] == 200").failure(http(503, 5, ""))).isEqualTo("[STATUS] == 200 (got 503)");
        assertThat(Condition.parse("[STATUS] == any(200, 204)").failure(http(204, 5, ""))).isNull();
        assertThat(Condition.parse("[STATUS] == any(200, 204)").failure(http(500, 5, ""))).isNotNull();
        assertThat(Condition.parse("[STATUS] < 400").failure(http(302, 5, ""))).isNull();
        assertThat(Condition.parse("[RESPONSE_TIME] < 300").failure(http(200, 299, ""))).isNull();
        assertThat(Condition.parse("[RESPONSE_TIME] < 300").failure(http(200, 300, ""))).contains("got 300");
        assertThat(Condition.parse("[BODY].status == UP").failure(http(200, 1, "{\"status\":\"UP\"}"))).isNull();
        assertThat(Condition.parse("[BODY].status == UP").failure(http(200, 1, "{\"status\":\"DOWN\"}")))
                .contains("got DOWN");
        assertThat(Condition.parse("[BODY].checks[1].name == redis")
                .failure(http(200, 1, "{\"checks\":[{\"name\":\"a\"},{\"name\":\"redis\"}]}"))).isNull();
        assertThat(Condition.parse("[BODY].data.count > 3").failure(http(200, 1, "{\"data\":{\"count\":4}}"))).isNull();
        assertThat(Condition.parse("[BODY] == pat(*ok*)").failure(http(200, 1, "all ok here"))).isNull();
        assertThat(Condition.parse("[BODY] == pat(*ok*)").failure(http(200, 1, "fail"))).isNotNull();
        assertThat(Condition.parse("[CONNECTED] == true").failure(Observation.connected(3))).isNull();
        assertThat(Condition.parse("[CONNECTED] == true").failure(Observation.failed(3, "connection refused")))
                .contains("connection refused");
        Observation cert = new Observation(null, 3, null, true, 100L * 3_600_000, null);
        assertThat(Condition.parse("[CERTIFICATE_EXPIRATION] > 72h").failure(cert)).isNull();
        assertThat(Condition.parse("[CERTIFICATE_EXPIRATION] > 7d").failure(cert)).contains("got 100h");
        // No response at all: a status condition fails with the error as the value seen.
        assertThat(Condition.parse("[STATUS] == 200").failure(Observation.failed(1000, "timed out after 1000 ms")))
                .contains("timed out");
    }

    @Test
    void syntaxErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> Condition.parse("[STATUS] = 200")).hasMessageContaining("[PLACEHOLDER]");
        assertThatThrownBy(() -> Condition.parse("[STAUTS] == 200")).hasMessageContaining("unknown placeholder [STAUTS]");
        assertThatThrownBy(() -> Condition.parse("[STATUS] == abc")).hasMessageContaining("number");
        assertThatThrownBy(() -> Condition.parse("[CONNECTED] > 1")).hasMessageContaining("[CONNECTED]");
        assertThatThrownBy(() -> Condition.parse("[STATUS] == any(200,")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> Condition.parse("[CERTIFICATE_EXPIRATION] > soon")).hasMessageContaining("duration");
        assertThatThrownBy(() -> Condition.parse("[STATUS].x == 1")).hasMessageContaining("JSON path");
        assertThatThrownBy(() -> Condition.parse(" ")).hasMessageContaining("empty");
    }
}
