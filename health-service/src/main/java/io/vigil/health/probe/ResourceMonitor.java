package io.vigil.health.probe;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.health.config.HealthConfig;

/**
 * Heap, CPU and disk of this service. Above a warning threshold the service reports itself DEGRADED, above a critical
 * one CRITICAL; never as a failed liveness probe: a restart frees no disk and rarely fixes a busy CPU, and killing
 * the pod that watches the fleet during an incident is the worst moment to lose it.
 */
@ApplicationScoped
public class ResourceMonitor {

    /** One resource's usage and level: OK, DEGRADED or CRITICAL. */
    public record Usage(String resource, double percent, String level) {
    }

    /** The service's own state (UP or DEGRADED) and each resource. */
    public record Report(String status, java.util.List<Usage> resources) {
    }

    private final HealthConfig.Resources config;

    public ResourceMonitor(HealthConfig config) {
        this.config = config.resources();
    }

    public Report report() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        double heapPercent = 100.0 * heap.getUsed() / max;
        double cpuPercent = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpuPercent = Math.max(0, os.getProcessCpuLoad() * 100);
        }
        File disk = new File(config.diskPath());
        double diskPercent = disk.getTotalSpace() == 0 ? 0
                : 100.0 * (disk.getTotalSpace() - disk.getUsableSpace()) / disk.getTotalSpace();
        var usages = java.util.List.of(
                usage("heap", heapPercent, config.heapWarnPercent(), config.heapCriticalPercent()),
                usage("cpu", cpuPercent, config.cpuWarnPercent(), config.cpuCriticalPercent()),
                usage("disk", diskPercent, config.diskWarnPercent(), config.diskCriticalPercent()));
        boolean degraded = usages.stream().anyMatch(u -> !u.level().equals("OK"));
        return new Report(degraded ? "DEGRADED" : "UP", usages);
    }

    private static Usage usage(String name, double percent, double warn, double critical) {
        String level = percent >= critical ? "CRITICAL" : percent >= warn ? "DEGRADED" : "OK";
        return new Usage(name, Math.round(percent * 10) / 10.0, level);
    }
}
