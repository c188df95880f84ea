package io.vigil.health.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings of health-service (prefix {@code vigil.health}). */
@ConfigMapping(prefix = "vigil.health")
public interface HealthConfig {

    /** Targets declared in configuration (a ConfigMap), by name; the API adds more, stored in MongoDB. */
    Map<String, TargetConfig> targets();

    /** The other Vigil services, registered as targets checked on {@code /q/health/ready}. */
    Services services();

    /** Defaults for targets that do not set their own. */
    Defaults defaults();

    /** The shared scheduler. */
    Schedule schedule();

    /** Retention of results and transitions in MongoDB. */
    Retention retention();

    /** Heap, CPU and disk of this service: DEGRADED above warning, CRITICAL above critical. */
    Resources resources();

    /** The public status page and badges. */
    Page page();

    /** The checks themselves. */
    Probe probe();

    interface Page {
        /**
         * Show the reasons and errors of failing checks on the public page as they are: they may carry response-body
         * excerpts and internal host names. Off: only conditions, numbers and the kind of error are shown.
         */
        @WithDefault("false")
        boolean showDetails();
    }

    interface Probe {
        /** At most this much of a response body is read (KiB); the rest is not downloaded (the request is reset). */
        @WithDefault("64")
        int maxBodyKib();
    }

    interface TargetConfig {
        /** http, redis, mongodb, tcp, tls or service. */
        String type();

        /** http(s)://..., redis://host:port, mongodb://..., tcp://host:port, tls://host:port or a service's base URL. */
        String url();

        Optional<String> group();

        Optional<String> method();

        Map<String, String> headers();

        Optional<String> body();

        Optional<Integer> expectedStatus();

        Optional<Boolean> followRedirects();

        Optional<Duration> interval();

        Optional<Duration> timeout();

        Optional<Integer> failureThreshold();

        Optional<Integer> successThreshold();

        /** Gatus-style conditions; a failing one makes the result DOWN. */
        Optional<List<String>> conditions();

        /** Conditions whose failure only makes the result DEGRADED (slow but correct). */
        Optional<List<String>> softConditions();

        Optional<List<String>> dependsOn();

        Map<String, String> labels();
    }

    interface Services {
        /** Register the four other Vigil services as targets. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("vigil")
        String group();

        @WithName("metrics-service")
        @WithDefault("http://localhost:8081")
        String metricsService();

        @WithName("alert-service")
        @WithDefault("http://localhost:8083")
        String alertService();

        @WithName("queue-service")
        @WithDefault("http://localhost:8084")
        String queueService();

        @WithName("cache-service")
        @WithDefault("http://localhost:8085")
        String cacheService();
    }

    interface Defaults {
        @WithDefault("30s")
        Duration interval();

        @WithDefault("5s")
        Duration timeout();

        /** Consecutive failing results before UP turns DOWN/DEGRADED. */
        @WithDefault("2")
        int failureThreshold();

        /** Consecutive passing results before DOWN/DEGRADED turns UP. */
        @WithDefault("1")
        int successThreshold();

        @WithDefault("default")
        String group();

        /** The shortest interval a target may have. */
        @WithDefault("1s")
        Duration minInterval();
    }

    interface Schedule {
        /** How often due targets are claimed from Redis. */
        @WithDefault("100ms")
        Duration tick();

        /** Checks in flight at once on one replica; further due checks wait for a slot. */
        @WithDefault("256")
        int maxConcurrency();

        /** Targets claimed per tick at most. */
        @WithDefault("500")
        int claimBatch();

        /** How often the status snapshot (metrics, parents) is reloaded from Redis. */
        @WithDefault("2s")
        Duration snapshotInterval();

        /**
         * How long a reload of the targets and maintenance windows from MongoDB may take (in the background; the
         * last good copy stays in use when it fails).
         */
        @WithDefault("5s")
        Duration reloadTimeout();

        /** Circuit breaker: consecutive failed checks of a target before its checks pause. */
        @WithDefault("5")
        int breakerFailures();

        /** Circuit breaker: how long an open breaker skips checks (each skipped check counts as a failure). */
        @WithDefault("30s")
        Duration breakerDelay();
    }

    interface Retention {
        @WithDefault("7d")
        Duration results();

        @WithDefault("90d")
        Duration transitions();

        /** Resolved incidents and ended maintenance windows. */
        @WithDefault("90d")
        Duration incidents();

        @WithDefault("10m")
        Duration purgeInterval();
    }

    interface Resources {
        @WithDefault("80")
        double heapWarnPercent();

        @WithDefault("90")
        double heapCriticalPercent();

        @WithDefault("70")
        double cpuWarnPercent();

        @WithDefault("85")
        double cpuCriticalPercent();

        @WithDefault("85")
        double diskWarnPercent();

        @WithDefault("95")
        double diskCriticalPercent();

        /** The file system whose usage is reported. */
        @WithDefault(".")
        String diskPath();
    }
}
