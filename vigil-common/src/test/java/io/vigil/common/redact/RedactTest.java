package io.vigil.common.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RedactTest {

    @Test
    void urlsLoseTheirCredentialsAndQueryValues() {
        assertThat(Redact.url("redis://:s3cretpw@cache.internal:6379")).isEqualTo("redis://<secret>@cache.internal:6379");
        assertThat(Redact.url("mongodb://app:p%40ss@db1:27017,db2:27017/orders?authSource=admin&tls=true"))
                .isEqualTo("mongodb://<secret>@db1:27017,db2:27017/orders?authSource=<secret>&tls=<secret>");
        assertThat(Redact.url("https://api.example.com/health?token=abc#top"))
                .isEqualTo("https://api.example.com/health?token=<secret>#top");
        assertThat(Redact.url("https://user@example.com/a@b")).isEqualTo("https://<secret>@example.com/a@b");
        assertThat(Redact.url("tcp://orders-db:5432")).isEqualTo("tcp://orders-db:5432");
        assertThat(Redact.url(null)).isNull();
    }

    @Test
    void headersBodiesAndTextAreHidden() {
        assertThat(Redact.headerValues(Map.of("Authorization", "Bearer abc"))).containsEntry("Authorization", "<secret>");
        assertThat(Redact.body("{\"password\":\"x\"}")).isEqualTo("<secret>");
        assertThat(Redact.body(null)).isNull();
        assertThat(Redact.credentialsIn("cannot connect to redis://:pw@h:6379 (refused)"))
                .isEqualTo("cannot connect to redis://<secret>@h:6379 (refused)");
    }
}
