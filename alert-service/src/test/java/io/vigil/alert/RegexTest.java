package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vigil.alert.domain.InvalidField;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Silence;

/**
 * A1: user regexes cannot hang anything. The issue's pattern ({@code alertname=~} + 24 × {@code .*} + {@code x})
 * backtracks exponentially on java.util.regex; on RE2/J it is linear. Alertmanager's anchored full match is kept.
 */
class RegexTest {

    static final String HOSTILE = ".*".repeat(24) + "x";
    static final String VALUE = "a".repeat(60);

    @Test
    void theIssuesPatternMatchesFastInAMatcherAndASilence() {
        Matcher m = Matcher.parse("alertname=~" + HOSTILE);
        Silence s = new Silence("s", List.of("alertname=~" + HOSTILE), 0, Long.MAX_VALUE, "", "", 0);
        // generous for a loaded CI machine: one match on java.util.regex does not finish in 20 s
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 200; i++) {
                assertThat(m.matches(Map.of("alertname", VALUE + i))).isFalse();
                assertThat(s.mutes(Map.of("alertname", VALUE + i))).isFalse();
            }
            assertThat(m.matches(Map.of("alertname", VALUE + "x"))).isTrue();
        });
    }

    /** The old engine on the same pattern and value: still backtracking after a second (aborted by the input). */
    @Test
    void javaUtilRegexDoesNotFinishOnThatPattern() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> java.util.regex.Pattern.compile(HOSTILE)
                .matcher(new Deadline(VALUE, Duration.ofMillis(1000))).matches())
                .hasMessageContaining("deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void fullMatchAnchoredAsAlertmanager() {
        assertThat(Matcher.parse("svc=~api|web").matches(Map.of("svc", "api"))).isTrue();
        assertThat(Matcher.parse("svc=~api|web").matches(Map.of("svc", "xapi"))).isFalse();
        assertThat(Matcher.parse("svc=~api|web").matches(Map.of("svc", "web2"))).isFalse();
        assertThat(Matcher.parse("svc=~a.*").matches(Map.of("svc", "ab\nc"))).isFalse();
        assertThat(Matcher.parse("svc!~a.*").matches(Map.of("svc", "b"))).isTrue();
        assertThat(Matcher.parse("svc=~").matches(Map.of())).as("missing label = empty string").isTrue();
    }

    @Test
    void whatRe2CannotExpressAndOverlongPatternsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> Matcher.parseAll("matchers", List.of("a=b", "svc=~(a)\\1")))
                .isInstanceOf(InvalidField.class).hasMessageContaining("RE2")
                .extracting(e -> ((InvalidField) e).field()).isEqualTo("matchers[1]");
        assertThatThrownBy(() -> Matcher.parseAll("filter", List.of("svc=~a(?=b)")))
                .extracting(e -> ((InvalidField) e).field()).isEqualTo("filter[0]");
        String tooLong = "a".repeat(Matcher.maxPatternLength() + 1);
        assertThatThrownBy(() -> Matcher.parseAll("matchers", List.of("svc=~" + tooLong)))
                .hasMessageContaining("longer than").extracting(e -> ((InvalidField) e).field())
                .isEqualTo("matchers[0]");
        // an equality value is not a regex: no bound
        assertThat(Matcher.parse("svc=" + tooLong).matches(Map.of("svc", tooLong))).isTrue();
        // a stored text that no longer parses matches nothing: it can neither mute nor route
        assertThat(Matcher.allTexts(List.of("svc=~(a)\\1"), Map.of("svc", "aa"))).isFalse();
    }

    /** Input that throws once its deadline passed: the only way to stop a backtracking java.util.regex match. */
    record Deadline(String s, long until) implements CharSequence {
        Deadline(String s, Duration d) {
            this(s, System.nanoTime() + d.toNanos());
        }

        @Override
        public char charAt(int i) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("deadline passed");
            }
            return s.charAt(i);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new Deadline(s.substring(from, to), until);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
