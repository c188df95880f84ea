package io.vigil.health.domain;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A maintenance window: its targets publish no transitions from {@code startsAt} until {@code endsAt}. */
@RegisterForReflection
public record Maintenance(String id, String title, String message, List<String> targets, String startsAt,
        String endsAt, String createdAt) {

    public boolean activeAt(long epochMs) {
        return Instant.parse(startsAt).toEpochMilli() <= epochMs && epochMs < Instant.parse(endsAt).toEpochMilli();
    }

    public boolean covers(String target, long epochMs) {
        return targets.contains(target) && activeAt(epochMs);
    }
}
