package io.vigil.common.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParseException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;

/** Which handler failures count toward max-deliveries (poison) and which are a dependency being down (outage). */
class FailureClassifierTest {

    private final FailureClassifier classifier = FailureClassifier.builtIn();

    @Test
    void unreachableOrTimingOutDependenciesAreOutages() {
        assertThat(classifier.isOutage(new MongoTimeoutException("Timed out while waiting for a server"))).isTrue();
        // a subclass of a listed class, wrapped as a service would wrap it
        assertThat(classifier.isOutage(new IllegalStateException("saving alert", new MongoSocketReadTimeoutException(
                "read timed out", new ServerAddress(), new SocketTimeoutException())))).isTrue();
        assertThat(classifier.isOutage(new UncheckedIOException(new ConnectException("Connection refused")))).isTrue();
        assertThat(classifier.isOutage(new io.smallrye.mutiny.TimeoutException())).isTrue();
        assertThat(classifier.isOutage(new RuntimeException("LOADING Redis is loading the dataset in memory")))
                .isTrue();
        assertThat(classifier.isOutage(new WebApplicationException(503))).isTrue();
        assertThat(classifier.isOutage(new DependencyUnavailableException("queue-service down"))).isTrue();
    }

    @Test
    void failuresOfTheEventItselfArePoison() {
        assertThat(classifier.isOutage(new IllegalStateException("no such rule"))).isFalse();
        assertThat(classifier.isOutage(new NullPointerException())).isFalse();
        assertThat(classifier.isOutage(new JsonParseException(null, "Unexpected character"))).isFalse();
        assertThat(classifier.isOutage(new WebApplicationException(400))).isFalse();
        assertThat(classifier.isOutage(new MongoWriteException(
                new com.mongodb.WriteError(11000, "duplicate key", new org.bson.BsonDocument()), new ServerAddress(),
                java.util.Set.of()))).isFalse();
    }

    @Test
    void aServiceCanAddItsOwnRule() {
        class BreakerOpen extends RuntimeException {
        }
        FailureClassifier withRule = new FailureClassifier(java.util.List.of(t -> t instanceof BreakerOpen));
        assertThat(classifier.isOutage(new RuntimeException(new BreakerOpen()))).isFalse();
        assertThat(withRule.isOutage(new RuntimeException(new BreakerOpen()))).isTrue();
        assertThat(withRule.isOutage(new IllegalStateException())).isFalse();
    }
}
