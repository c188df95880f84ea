package io.vigil.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.domain.Notification;

/** Minor: label values and annotations cannot ping a Slack channel ({@code <!channel>}) or forge links. */
class SlackEscapeTest {

    @Test
    void mentionsAndLinksInAlertTextAreEscaped() {
        AlertInstance a = new AlertInstance();
        a.fingerprint = "fp";
        a.ruleId = "r";
        a.state = AlertState.FIRING;
        a.severity = "critical";
        a.labels = Map.of("alertname", "<!channel> down & out");
        a.annotations = Map.of("summary", "see <http://evil|here> <@U123>");
        Notification n = new Notification("n", "slack", "group", "firing", "g", Map.of("alertname", "<!here>"),
                List.of(Notification.Item.of(a)), "2026-01-01T00:00:00Z");
        Map<String, Object> body = Senders.slack(n);
        String text = (String) body.get("text");
        assertThat(text).doesNotContain("<!", "<@", "<http", ">").contains("&lt;!channel&gt; down &amp; out",
                "&lt;http://evil|here&gt; &lt;@U123&gt;");
        assertThat(body.get("attachments").toString()).doesNotContain("<!");
    }
}
