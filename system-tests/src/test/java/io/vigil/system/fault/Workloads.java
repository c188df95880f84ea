package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;

import io.vigil.system.Suite;

/** One workload per service that keeps data a user relies on. */
public final class Workloads {

    private Workloads() {
    }

    /** A workload for each service of the suite that has one. */
    public static List<Workload> of(Suite suite) {
        List<Workload> all = new ArrayList<>();
        suite.services().forEach((name, process) -> {
            switch (name) {
                case "queue-service" -> all.add(new QueueWorkload(process.baseUrl()));
                case "metrics-service" -> all.add(new MetricsWorkload(process.baseUrl()));
                case "cache-service" -> all.add(new CacheWorkload(process.baseUrl()));
                case "health-service" -> all.add(new HealthWorkload(process.baseUrl()));
                case "alert-service" -> all.add(new AlertWorkload(process.baseUrl()));
                default -> throw new IllegalArgumentException("no workload for " + name);
            }
        });
        return all;
    }
}
