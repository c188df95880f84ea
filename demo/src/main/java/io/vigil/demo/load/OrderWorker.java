package io.vigil.demo.load;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vigil.demo.DemoConfig;
import io.vigil.demo.api.ShopResource;
import io.vigil.demo.client.QueueClient;

/** The shop's worker: leases order-confirmation jobs from queue-service and acknowledges them. */
@ApplicationScoped
public class OrderWorker {

    private final QueueClient queue;
    private final DemoConfig config;

    public OrderWorker(@RestClient QueueClient queue, DemoConfig config) {
        this.queue = queue;
        this.config = config;
    }

    @Scheduled(every = "1s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void work() {
        if (config.writerKey().isEmpty()) {
            return;
        }
        String auth = "Bearer " + config.writerKey().get();
        try {
            QueueClient.Lease lease = queue.lease(auth, ShopResource.QUEUE, Map.of("count", 50, "waitMs", 0));
            for (QueueClient.Job job : lease.jobs()) {
                queue.ack(auth, ShopResource.QUEUE, job.id(), Map.of("token", job.token(), "result", Map.of("sent", true)));
            }
        } catch (RuntimeException e) {
            Log.debugf("order worker: queue-service unavailable (%s)", e.getMessage());
        }
    }
}
