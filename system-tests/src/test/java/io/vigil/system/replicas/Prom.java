package io.vigil.system.replicas;

import java.util.Arrays;
import java.util.List;

import io.vigil.system.Http;
import io.vigil.testing.ServiceProcess;

/** Reads a service's Prometheus text ({@code /q/metrics}, public). */
public final class Prom {

    private Prom() {
    }

    public static String scrape(ServiceProcess replica) {
        Http.Reply reply = Http.send("GET", replica.baseUrl() + "/q/metrics", io.vigil.testing.ApiKeys.READER, null);
        if (reply.status() != 200) {
            throw new AssertionError(replica.baseUrl() + "/q/metrics answered " + reply.status());
        }
        return reply.json().asText();
    }

    /** The sum of every sample of {@code name} whose labels include each of {@code labels} ({@code k="v"}). */
    public static double sum(String text, String name, String... labels) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** {@link #sum} over every replica: per-replica counters add up to what the fleet did. */
    public static double sum(List<ServiceProcess> replicas, String name, String... labels) {
        return replicas.stream().mapToDouble(r -> sum(scrape(r), name, labels)).sum();
    }

    /** The lines of {@code name}, for a report. */
    public static List<String> lines(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name)).toList();
    }
}
