package io.vigil.alert.api;

import java.util.function.Supplier;

import io.vigil.alert.domain.InvalidField;
import io.vigil.common.problem.ProblemException;

/** Turns a domain validation failure into a 400 problem+json naming the field. */
final class Validated {

    static <T> T check(Supplier<T> body) {
        try {
            return body.get();
        } catch (InvalidField e) {
            throw ProblemException.invalid(e.field(), e.getMessage());
        }
    }

    private Validated() {
    }
}
