package io.vigil.cache.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vigil.common.problem.ProblemException;

/** A rate-limit policy: {@code limit} cost units per {@code windowMs}, decided by one of two algorithms. */
@RegisterForReflection
public record RatePolicy(long limit, long windowMs, String algorithm) {

    public static final String SLIDING = "sliding-window";
    public static final String GCRA = "gcra";

    public RatePolicy {
        if (limit < 1 || limit > 1_000_000) {
            throw ProblemException.invalid("limit", "must be 1..1000000");
        }
        if (windowMs < 1 || windowMs > 86_400_000L) {
            throw ProblemException.invalid("windowMs", "must be 1..86400000");
        }
        if (!SLIDING.equals(algorithm) && !GCRA.equals(algorithm)) {
            throw ProblemException.invalid("algorithm", "must be " + SLIDING + " or " + GCRA);
        }
    }
}
