package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.alert.domain.Notification;
import io.vigil.alert.notify.Delivery;
import io.vigil.testing.RedisServerResource;

/**
 * Two replicas may flush one notification group at once (the replica that applied the change and the scheduler
 * leader): both hand the same notification id to the queue, which keeps one. The delivery-path counter must count
 * what the queue took, once, not every hand-over.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@QuarkusTestResource(value = MiniQueueResource.class, restrictToAnnotatedClass = true)
class DuplicateEnqueueTest {

    @Inject
    Delivery delivery;

    @Inject
    MeterRegistry registry;

    @Test
    void aNotificationHandedOverTwiceIsRoutedOnce() {
        MiniQueue mini = MiniQueueResource.queue;
        double before = routedViaQueue();
        int duplicatesBefore = mini.duplicates;
        Notification n = new Notification("dup-group#1", "nobody", "group", "firing", "dup-group", Map.of(),
                List.of(), "2026-11-25T00:00:00Z");
        delivery.enqueue(n);
        delivery.enqueue(n); // the second flush of the same group, from the other replica
        assertThat(mini.duplicates - duplicatesBefore).as("the queue dropped the second hand-over").isEqualTo(1);
        assertThat(routedViaQueue() - before).as("vigil_alert_notifications_routed_total{path=queue}").isEqualTo(1.0);
    }

    private double routedViaQueue() {
        var counter = registry.find("vigil.alert.notifications.routed").tag("path", "queue").counter();
        return counter == null ? 0 : counter.count();
    }
}
