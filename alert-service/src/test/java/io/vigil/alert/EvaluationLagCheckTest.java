package io.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.engine.Progress;
import io.vigil.alert.health.EvaluationLagCheck;

/** A1: a stuck tick or stream consumer turns readiness DOWN, naming the loop; an idle consumer does not. */
class EvaluationLagCheckTest {

    @Test
    void aStuckLoopIsNotReadyAndSaysWhich() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Progress progress = new Progress(now::get);
        AlertConfig config = (AlertConfig) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AlertConfig.class}, (p, m, a) -> m.getName().equals("maxEvaluationLag")
                        ? java.time.Duration.ofSeconds(30) : null);
        EvaluationLagCheck check = new EvaluationLagCheck(progress, config);

        progress.run("timer tick", true, () -> now.addAndGet(10));
        progress.run("vigil:events:health.transition", false, () -> now.addAndGet(10));
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        // a consumer idle for a minute is fine, but the tick must keep running
        now.addAndGet(60_000);
        HealthCheckResponse r = check.call();
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData().orElseThrow()).containsKey("timer tick")
                .doesNotContainKey("vigil:events:health.transition");
        progress.run("timer tick", true, () -> { });
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        // a consumer stuck in one pass (as a backtracking regex pinned it)
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = new Thread(() -> {
            try {
                progress.<InterruptedException>run("vigil:events:metrics.live", false, () -> {
                    inside.countDown();
                    release.await();
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stuck.start();
        inside.await();
        now.addAndGet(29_000);
        progress.run("timer tick", true, () -> { });
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        now.addAndGet(2_000);
        progress.run("timer tick", true, () -> { });
        r = check.call();
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData().orElseThrow().get("vigil:events:metrics.live")).asString().contains("stuck for 31000 ms");
        release.countDown();
        stuck.join();
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
