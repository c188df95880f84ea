package io.vigil.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.vigil.system.fault.LoadRunner;
import io.vigil.system.fault.Workload;
import io.vigil.system.fault.Workloads;

/**
 * Faults under load, each with a report line: Redis restarted, and each service SIGKILLed and restarted, while
 * every service takes writes and alert-service sends notifications (through queue-service) to a webhook. Nothing a service accepted may be lost, and each service must take writes again by
 * itself; the time until it does is reported. The faults run one after another on one suite under one load (each
 * test starts from every service taking writes, which the one before it asserted), so the reads-back of each fault
 * also cover what was accepted before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionIT {

    private Suite suite;
    private LoadRunner load;

    @BeforeAll
    void startSuiteUnderLoad() {
        suite = Suite.start();
        load = new LoadRunner(Workloads.of(suite));
        load.awaitAccepted(20);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (load != null) {
            load.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void redisRestartedUnderLoadLosesNothingAndEveryServiceRecovers() {
        suite.redis().kill();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2)); // the outage itself: 2 s without Redis
        long restarted = System.nanoTime();
        suite.redis().start();
        List<String> problems = new ArrayList<>();
        for (Workload w : load.workloads()) {
            problems.addAll(load.report("redis-restart", w, load.recoveredMs(w, restarted)));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void eachServiceKilledUnderLoadLosesNothingAndRecovers() {
        List<String> problems = new ArrayList<>();
        for (String service : suite.services().keySet()) {
            var process = suite.service(service);
            long killed = System.nanoTime();
            process.kill();
            process.start(Duration.ofSeconds(90));
            // Every workload that goes through the killed service: alert notifications also cross queue-service.
            for (Workload w : load.workloads()) {
                if (w.dependsOn().contains(service)) {
                    problems.addAll(load.report("sigkill " + service, w, load.recoveredMs(w, killed)));
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
