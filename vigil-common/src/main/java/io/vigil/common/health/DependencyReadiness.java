package io.vigil.common.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Readiness of Redis and MongoDB from {@link Dependencies}' last check: no round trip per probe, answered on the event
 * loop (an async check, so the probe never waits for a worker thread either). DOWN names the dependency and why.
 */
@Readiness
public class DependencyReadiness implements AsyncHealthCheck {

    private final Dependencies dependencies;

    public DependencyReadiness(Dependencies dependencies) {
        this.dependencies = dependencies;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return dependencies.firstCheck().map(x -> response());
    }

    private HealthCheckResponse response() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("dependencies").up();
        for (String name : dependencies.names()) {
            Dependencies.State s = dependencies.state(name);
            b.withData(name, s.up() ? "UP" : "DOWN: " + s.error());
            if (!s.up()) {
                b.down();
            }
        }
        return b.build();
    }
}
