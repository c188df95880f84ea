package io.vigil.alert.health;

import java.util.Map;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.engine.Progress;

/**
 * Readiness is honest about a stuck evaluation loop: when the timer tick or a stream consumer lags by more than
 * {@code vigil.alert.max-evaluation-lag}, this replica is not ready, and the response names the loop and its lag.
 */
@Readiness
public class EvaluationLagCheck implements HealthCheck {

    private final Progress progress;
    private final AlertConfig config;

    public EvaluationLagCheck(Progress progress, AlertConfig config) {
        this.progress = progress;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Long> lagging = progress.lagging(config.maxEvaluationLag().toMillis());
        HealthCheckResponseBuilder b = HealthCheckResponse.named("alert evaluation").status(lagging.isEmpty())
                .withData("maxLagMs", config.maxEvaluationLag().toMillis());
        lagging.forEach((loop, lag) -> b.withData(loop, "stuck for " + lag + " ms"));
        return b.build();
    }
}
