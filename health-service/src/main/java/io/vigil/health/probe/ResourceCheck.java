package io.vigil.health.probe;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;

/**
 * Heap, CPU and disk on {@code /q/health/well} (and {@code /q/health}): always UP for Kubernetes, with the level of
 * each resource as data. The DEGRADED state itself is in {@code GET /api/v1/status} ({@code self}) and on the page.
 */
@Wellness
public class ResourceCheck implements HealthCheck {

    private final ResourceMonitor monitor;

    public ResourceCheck(ResourceMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public HealthCheckResponse call() {
        ResourceMonitor.Report report = monitor.report();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("health-service resources").up()
                .withData("status", report.status());
        for (ResourceMonitor.Usage u : report.resources()) {
            b.withData(u.resource() + "Percent", Double.toString(u.percent())).withData(u.resource(), u.level());
        }
        return b.build();
    }
}
