package io.vigil.health.probe;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import io.vigil.health.schedule.TargetRegistry;

/** Started once the targets were loaded (configuration and MongoDB) and put on the schedule. */
@Startup
public class TargetsLoadedCheck implements HealthCheck {

    private final TargetRegistry registry;

    public TargetsLoadedCheck(TargetRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("targets loaded").status(registry.loaded())
                .withData("targets", registry.all().size()).build();
    }
}
