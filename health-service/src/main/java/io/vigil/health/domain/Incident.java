package io.vigil.health.domain;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An incident an admin opened: shown on the status page while open, listed with its updates afterwards.
 *
 * @param severity minor, major or critical
 * @param status   investigating, identified, monitoring or resolved
 */
@RegisterForReflection
public record Incident(String id, String title, String message, String severity, List<String> targets, String status,
        String createdAt, String resolvedAt, List<Update> updates) {

    @RegisterForReflection
    public record Update(String at, String status, String message) {
    }

    public boolean open() {
        return !"resolved".equals(status);
    }
}
