package io.vigil.alert.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.store.RuleStore;

/**
 * The enabled rules, compiled, indexed by source (and metrics rules by the service they match exactly, so one
 * rollup looks at its service's rules only). Reloaded from MongoDB after every change on this replica and every few
 * seconds for changes made on others.
 */
@ApplicationScoped
public class RuleSet {

    public record Index(Map<String, Rule.Compiled> byId, Map<String, List<Rule.Compiled>> metricsByService,
            List<Rule.Compiled> metricsAnyService, Map<String, List<Rule.Compiled>> bySource) {

        public List<Rule.Compiled> metricsFor(String service) {
            List<Rule.Compiled> exact = metricsByService.getOrDefault(service, List.of());
            if (metricsAnyService.isEmpty()) {
                return exact;
            }
            List<Rule.Compiled> all = new ArrayList<>(exact);
            all.addAll(metricsAnyService);
            return all;
        }

        public List<Rule.Compiled> of(String source) {
            return bySource.getOrDefault(source, List.of());
        }
    }

    private final RuleStore store;
    private final AlertConfig config;
    private volatile Index index = new Index(Map.of(), Map.of(), List.of(), Map.of());

    public RuleSet(RuleStore store, AlertConfig config) {
        this.store = store;
        this.config = config;
    }

    public Index index() {
        return index;
    }

    public Rule.Compiled get(String id) {
        return index.byId().get(id);
    }

    public synchronized void reload() {
        Map<String, Rule.Compiled> byId = new HashMap<>();
        Map<String, List<Rule.Compiled>> byService = new HashMap<>();
        List<Rule.Compiled> any = new ArrayList<>();
        Map<String, List<Rule.Compiled>> bySource = new HashMap<>();
        for (Rule r : store.all()) {
            Rule.Compiled c;
            try {
                c = r.compile(config.defaultMetricsSignal());
            } catch (IllegalArgumentException e) {
                continue; // stored before a stricter validation: skipped, visible in the API
            }
            byId.put(c.id(), c);
            if (!c.rule().enabled()) {
                continue;
            }
            bySource.computeIfAbsent(c.rule().source(), k -> new ArrayList<>()).add(c);
            if (c.rule().source().equals("metrics")) {
                String service = exactValue(c.matchers(), "service");
                if (service != null) {
                    byService.computeIfAbsent(service, k -> new ArrayList<>()).add(c);
                } else {
                    any.add(c);
                }
            }
        }
        index = new Index(byId, byService, any, bySource);
    }

    static String exactValue(List<Matcher> matchers, String name) {
        for (Matcher m : matchers) {
            if (m.name().equals(name) && m.op().equals("=")) {
                return m.value();
            }
        }
        return null;
    }
}
