package io.vigil.system.fault;

import java.util.ArrayList;
import java.util.List;

import io.vigil.system.Suite;

/** The workloads that keep what a user relies on: data per service, and the alerting path across services. */
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
                case "health-service" -> {
                    all.add(new HealthWorkload(process.baseUrl()));
                    all.add(new TransitionWorkload(process.baseUrl(), () -> suite.redis() != null
                            ? suite.redis().port() : suite.cluster().masterOf(TransitionWorkload.STREAM)));
                }
                case "alert-service" -> {
                    all.add(new AlertWorkload(process.baseUrl()));
                    all.add(new NotificationWorkload(process.baseUrl()));
                }
                default -> throw new IllegalArgumentException("no workload for " + name);
            }
        });
        return all;
    }
}
