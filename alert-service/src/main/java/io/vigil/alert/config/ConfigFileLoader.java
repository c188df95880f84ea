package io.vigil.alert.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vigil.alert.domain.InvalidField;
import io.vigil.alert.domain.Routing;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.store.RoutingStore;
import io.vigil.alert.store.RuleStore;

/** Loads {@code vigil.alert.config-file} at start-up (see {@link AlertConfig#configFile()}). A bad file stops start-up. */
@ApplicationScoped
public class ConfigFileLoader {

    @RegisterForReflection
    public record FileConfig(List<Rule> rules, List<io.vigil.alert.domain.Receiver> receivers, Routing.Route route,
            List<Routing.InhibitRule> inhibitRules, List<Routing.EscalationPolicy> escalationPolicies) {
    }

    private final AlertConfig config;
    private final ObjectMapper mapper;
    private final RuleStore rules;
    private final RoutingStore routing;

    public ConfigFileLoader(AlertConfig config, ObjectMapper mapper, RuleStore rules, RoutingStore routing) {
        this.config = config;
        this.mapper = mapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        this.rules = rules;
        this.routing = routing;
    }

    public void load() {
        if (config.configFile().isEmpty() || config.configFile().get().isBlank()) {
            return;
        }
        Path file = Path.of(config.configFile().get());
        FileConfig fc;
        try {
            fc = mapper.readValue(Files.readString(file), FileConfig.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Rule> list = fc.rules() == null ? List.of() : fc.rules();
        for (int i = 0; i < list.size(); i++) {
            try {
                list.get(i).compile(config.defaultMetricsSignal());
            } catch (InvalidField e) {
                throw new IllegalStateException(file + ": rules[" + i + "]." + e.field() + ": " + e.getMessage());
            }
        }
        list.forEach(r -> rules.put(r.compile(config.defaultMetricsSignal()).rule().withOrigin("config")));
        if (fc.route() != null || fc.receivers() != null) {
            Routing r = new Routing(fc.receivers(), fc.route(), fc.inhibitRules(), fc.escalationPolicies(), "config");
            try {
                r.validate();
            } catch (InvalidField e) {
                throw new IllegalStateException(file + ": " + e.field() + ": " + e.getMessage());
            }
            if (!"api".equals(routing.get().origin())) {
                routing.put(r);
            }
        }
        Log.infof("loaded %d rules from %s", list.size(), file);
    }
}
