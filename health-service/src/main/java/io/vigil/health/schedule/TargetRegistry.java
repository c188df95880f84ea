package io.vigil.health.schedule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.vigil.common.problem.ProblemException;
import io.vigil.health.check.Prober;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetSpec;
import io.vigil.health.domain.TargetValidator;
import io.vigil.health.store.ResultStore;
import io.vigil.health.store.StateStore;
import io.vigil.health.store.TargetRepository;

/**
 * Every target this replica knows: the configured ones (a ConfigMap), the four other Vigil services, and those saved
 * through the API (MongoDB). Replicas reload when the config version in Redis moves (bumped on every API change), so
 * all of them check the same set. Configured targets cannot be changed through the API.
 */
@ApplicationScoped
public class TargetRegistry {

    private final HealthConfig config;
    private final TargetValidator validator;
    private final TargetRepository repository;
    private final StateStore states;
    private final ResultStore results;
    private final Prober prober;
    private final Map<String, Target> fixed;
    private volatile Map<String, Target> targets = Map.of();
    private volatile boolean loaded;
    private volatile long version = -1;

    public TargetRegistry(HealthConfig config, TargetRepository repository, StateStore states, ResultStore results,
            Prober prober) {
        this.config = config;
        this.validator = new TargetValidator(config.defaults());
        this.repository = repository;
        this.states = states;
        this.results = results;
        this.prober = prober;
        this.fixed = configured();
    }

    /** Configured targets are validated at start-up: a bad condition in a ConfigMap fails the start, loudly. */
    private Map<String, Target> configured() {
        Map<String, Target> out = new LinkedHashMap<>();
        HealthConfig.Services s = config.services();
        if (s.enabled()) {
            for (String[] svc : new String[][] { { "metrics-service", s.metricsService() },
                    { "alert-service", s.alertService() }, { "queue-service", s.queueService() },
                    { "cache-service", s.cacheService() } }) {
                TargetSpec spec = new TargetSpec(svc[0], "service", svc[1], s.group(), null, null, null, null, null,
                        null, null, null, null, null, null, null, Map.of("vigil", "true"));
                out.put(svc[0], validator.validate(spec, "service", false));
            }
        }
        config.targets().forEach((name, c) -> {
            TargetSpec spec = new TargetSpec(name, c.type(), c.url(), c.group().orElse(null), c.method().orElse(null),
                    c.headers(), c.body().orElse(null), c.expectedStatus().orElse(null),
                    c.followRedirects().orElse(null), c.interval().map(d -> d.toMillis()).orElse(null),
                    c.timeout().map(d -> d.toMillis()).orElse(null), c.failureThreshold().orElse(null),
                    c.successThreshold().orElse(null), c.conditions().orElse(null), c.softConditions().orElse(null),
                    c.dependsOn().orElse(null), c.labels());
            try {
                out.put(name, validator.validate(spec, "config", false));
            } catch (ProblemException e) {
                throw new IllegalArgumentException("vigil.health.targets." + name + ": " + e.getMessage(), e);
            }
        });
        return out;
    }

    public boolean loaded() {
        return loaded;
    }

    public Collection<Target> all() {
        return targets.values();
    }

    public Target get(String name) {
        return targets.get(name);
    }

    public Optional<Target> find(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    /** Whether the API targets changed since the last load (a Redis read: cheap enough for every tick). */
    public boolean changed() {
        return !loaded || states.configVersion() != version;
    }

    /** Reloads when another replica (or this one) changed the API targets; the first call loads. */
    public synchronized boolean refreshIfChanged() {
        long current = states.configVersion();
        if (loaded && current == version) {
            return false;
        }
        Map<String, Target> next = new LinkedHashMap<>(fixed);
        for (TargetSpec spec : repository.all(config.schedule().reloadTimeout())) {
            if (next.containsKey(spec.name())) {
                continue;
            }
            try {
                next.put(spec.name(), validator.validate(spec, "api", false));
            } catch (ProblemException e) {
                Log.warnf("stored target %s is invalid, skipped: %s", spec.name(), e.getMessage());
            }
        }
        for (Target old : targets.values()) {
            Target now = next.get(old.name());
            if (now == null || !now.spec().equals(old.spec())) {
                prober.forget(old.name());
            }
        }
        states.syncSchedule(new ArrayList<>(next.values()));
        targets = next;
        version = current;
        loaded = true;
        return true;
    }

    /** Puts every known target back on the schedule (after Redis lost its data, say). */
    public void resync() {
        states.syncSchedule(new ArrayList<>(targets.values()));
    }

    /** Validates, saves and schedules an API target; returns it and whether it was new. */
    public synchronized Target save(TargetSpec spec) {
        Target target = validator.validate(spec, "api", true);
        Target existing = targets.get(spec.name());
        if (existing != null && !existing.source().equals("api")) {
            throw ProblemException.conflict("target " + spec.name() + " is declared in configuration ("
                    + existing.source() + ") and cannot be changed through the API");
        }
        List<String> parents = target.dependsOn();
        for (int i = 0; i < parents.size(); i++) {
            if (!targets.containsKey(parents.get(i))) {
                throw ProblemException.invalid("dependsOn[" + i + "]", "unknown target '" + parents.get(i) + "'");
            }
        }
        Map<String, Target> next = new LinkedHashMap<>(targets);
        next.put(target.name(), target);
        if (cycle(target.name(), next, new HashSet<>())) {
            throw ProblemException.invalid("dependsOn", "would create a dependency cycle through " + target.name());
        }
        repository.save(target.spec());
        states.bumpConfigVersion();
        refreshIfChanged();
        return target;
    }

    public synchronized void delete(String name) {
        Target existing = targets.get(name);
        if (existing == null) {
            throw ProblemException.notFound("no target " + name);
        }
        if (!existing.source().equals("api")) {
            throw ProblemException.conflict("target " + name + " is declared in configuration and cannot be deleted");
        }
        for (Target t : targets.values()) {
            if (t.dependsOn().contains(name)) {
                throw ProblemException.conflict("target " + t.name() + " depends on " + name);
            }
        }
        repository.delete(name);
        states.bumpConfigVersion();
        refreshIfChanged();
        states.remove(name);
        results.deleteTarget(name);
    }

    private static boolean cycle(String name, Map<String, Target> all, Set<String> path) {
        if (!path.add(name)) {
            return true;
        }
        Target t = all.get(name);
        if (t != null) {
            for (String parent : t.dependsOn()) {
                if (cycle(parent, all, path)) {
                    return true;
                }
            }
        }
        path.remove(name);
        return false;
    }
}
