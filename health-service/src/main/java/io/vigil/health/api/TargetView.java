package io.vigil.health.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetSpec;

/** A target with every default filled in, and where it comes from: {@code config}, {@code service} or {@code api}. */
public record TargetView(@JsonUnwrapped TargetSpec spec, String source) {

    static TargetView of(Target t) {
        return new TargetView(t.spec(), t.source());
    }
}
