package io.vigil.alert;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vigil.common.event.EventEnvelope;

/** What the @QuarkusTests share: a real webhook receiver for the class, and XADD of envelopes into the test Redis. */
abstract class HookedTest {

    static Hook hook;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void receiver() {
        hook = new Hook();
    }

    @AfterAll
    static void stopReceiver() {
        hook.close();
    }

    void xadd(String stream, EventEnvelope e) {
        redis.stream(String.class).xadd(stream, e.toFields());
    }
}
