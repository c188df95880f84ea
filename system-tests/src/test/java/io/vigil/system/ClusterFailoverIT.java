package io.vigil.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vigil.system.fault.LoadRunner;
import io.vigil.system.fault.Workload;
import io.vigil.system.fault.Workloads;

/**
 * The five services on a 3-master Redis Cluster by configuration alone, under load; then the masters that hold the
 * queue, the cache namespace and health-service's schedule are SIGKILLed one after the other, each replica is
 * promoted by the cluster, and every service must take writes again without a restart. The time without service is
 * reported per kill and service, and nothing accepted may be lost. (Replication is asynchronous in Redis Cluster:
 * a write acknowledged by the dead master in the last milliseconds before it died could be gone. At this load the
 * replicas are never that far behind, and no run has lost one; a loss here is a real finding, not noise.)
 */
class ClusterFailoverIT {

    private Suite suite;
    private LoadRunner load;

    @BeforeEach
    void start() {
        suite = Suite.onCluster(Suite.SERVICES);
        load = new LoadRunner(Workloads.of(suite));
        load.awaitAccepted(50);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (load != null) {
            load.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    /** What the workloads keep on one master each: the queue, the cache namespace, health-service's schedule. */
    private static final List<Map.Entry<String, String>> KEYS = List.of(
            Map.entry("queue", "vigil:q:{fault-jobs}:settings"), Map.entry("cache", "vigil:c:{fault}:keys"),
            Map.entry("health", "vigil:h:{sched}:due"));

    @Test
    void servicesResumeByThemselvesAfterEachMasterFailsOver() {
        for (Workload w : load.workloads()) {
            assertThat(w.lost()).as("%s on the healthy cluster", w.service()).isEmpty();
        }
        assertThat(suite.cluster().masters()).hasSize(3);
        // The masters of the workloads' queue, cache namespace and health schedule, chosen before any kill: each
        // original master has its own replica, so each can fail over in turn (a promoted replica has none left).
        // metrics-service writes to every master (one hash slot per series), so it loses each of them.
        Map<Integer, Map.Entry<String, String>> victims = new LinkedHashMap<>();
        for (Map.Entry<String, String> key : KEYS) {
            victims.putIfAbsent(suite.cluster().masterOf(key.getValue()), key);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, Map.Entry<String, String>> victim : victims.entrySet()) {
            int master = victim.getKey();
            String name = victim.getValue().getKey();
            String key = victim.getValue().getValue();
            long killed = System.nanoTime();
            suite.cluster().kill(master);
            // A live node may still say "ok" before it notices the death: wait until the replica answers for the slot.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> suite.cluster().masterOf(key) != master);
            suite.cluster().awaitState("ok", Duration.ofSeconds(30));
            for (Workload w : load.workloads()) {
                problems.addAll(load.report("cluster-failover " + name, w, load.recoveredMs(w, killed)));
            }
        }
        assertThat(problems).isEmpty();
    }
}
