package io.vigil.health.schedule;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vigil.health.domain.Maintenance;
import io.vigil.health.store.IncidentStore;

/** The maintenance windows that have not ended, cached per replica and reloaded with the targets. */
@ApplicationScoped
public class MaintenanceCalendar {

    private final IncidentStore store;
    private volatile List<Maintenance> windows = List.of();

    public MaintenanceCalendar(IncidentStore store) {
        this.store = store;
    }

    public void reload() {
        windows = store.maintenance(System.currentTimeMillis(), 1000);
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
