package io.vigil.system.fault;

import java.util.List;

import io.vigil.system.Suite;

/** One workload per service that keeps data a user relies on. */
public final class Workloads {

    private Workloads() {
    }

    public static List<Workload> of(Suite suite) {
        return List.of(new QueueWorkload(suite.service("queue-service").baseUrl()),
                new MetricsWorkload(suite.service("metrics-service").baseUrl()));
    }
}
