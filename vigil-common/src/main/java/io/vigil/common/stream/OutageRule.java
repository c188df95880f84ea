package io.vigil.common.stream;

/**
 * A service's own way of recognizing "a dependency is down" in a handler failure, beyond what
 * {@link FailureClassifier} knows. Declare one as a CDI bean; every stream consumer of the service then uses it.
 */
@FunctionalInterface
public interface OutageRule {
    /** @param failure one throwable of the failure's cause chain (each is offered in turn) */
    boolean isOutage(Throwable failure);
}
