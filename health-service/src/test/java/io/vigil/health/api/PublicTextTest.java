package io.vigil.health.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** H2: what the public page may say about a failure: conditions, numbers and error kinds, no bodies, no hosts. */
class PublicTextTest {

    @Test
    void bodyExcerptsAndHostNamesAreHidden() {
        assertThat(PublicText.reason("[STATUS] == 200 (got 503)")).isEqualTo("[STATUS] == 200 (got 503)");
        assertThat(PublicText.reason("[BODY].status == UP (got orders-db.internal:5432 unreachable)"))
                .isEqualTo("[BODY].status == UP (got <hidden>)");
        assertThat(PublicText.reason("[CONNECTED] == true (got false: Timed out connecting to db.internal:27017)"))
                .isEqualTo("[CONNECTED] == true (got false: <hidden>)");
        assertThat(PublicText.reason("[STATUS] == 200 (got timed out after 1000 ms); [RESPONSE_TIME] < 300 (got 1002)"))
                .isEqualTo("[STATUS] == 200 (got timed out after 1000 ms); [RESPONSE_TIME] < 300 (got 1002)");
        assertThat(PublicText.reason("unknown host orders.internal: [STATUS] == 200 (got unknown host orders.internal)"))
                .isEqualTo("unknown host: [STATUS] == 200 (got unknown host)");
        assertThat(PublicText.reason("[CERTIFICATE_EXPIRATION] > 72h (got 12h)")).isEqualTo("[CERTIFICATE_EXPIRATION] > 72h (got 12h)");
        assertThat(PublicText.reason("connection to 10.0.0.7 reset")).isEqualTo("<hidden>");
        assertThat(PublicText.reason(null)).isNull();
    }
}
