package io.vigil.health.schedule;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.Maintenance;
import io.vigil.health.store.IncidentStore;

/**
 * The maintenance windows that have not ended, cached per replica and reloaded with the targets (in the background:
 * while MongoDB is unreachable the last good copy keeps muting).
 */
@ApplicationScoped
public class MaintenanceCalendar {

    private final IncidentStore store;
    private final HealthConfig config;
    private volatile List<Maintenance> windows = List.of();

    public MaintenanceCalendar(IncidentStore store, HealthConfig config) {
        this.store = store;
        this.config = config;
    }

    /** Loads the windows; on failure (MongoDB unreachable) throws and keeps the previous ones. */
    public void reload() {
        windows = store.openMaintenance(System.currentTimeMillis(), config.schedule().reloadTimeout());
    }

    public boolean muted(String target, long epochMs) {
        for (Maintenance m : windows) {
            if (m.covers(target, epochMs)) {
                return true;
            }
        }
        return false;
    }

    public List<Maintenance> windows() {
        return windows;
    }
}
