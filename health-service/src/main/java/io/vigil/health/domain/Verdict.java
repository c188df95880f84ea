package io.vigil.health.domain;

/** The outcome of one result after its conditions: UP, DEGRADED or DOWN, and why (null when UP). */
public record Verdict(State outcome, String reason) {
}
