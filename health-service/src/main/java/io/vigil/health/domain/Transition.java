package io.vigil.health.domain;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code health.transition} event payload (ARCHITECTURE.md), plus {@code dependsOn} and {@code labels}.
 * Also what {@code GET /api/v1/transitions} lists.
 *
 * @param checkedAt ISO-8601 UTC time of the result that changed the state
 */
@RegisterForReflection
public record Transition(String target, String group, State from, State to, String reason, String checkedAt,
        long latencyMs, List<String> dependsOn, Map<String, String> labels) {
}
