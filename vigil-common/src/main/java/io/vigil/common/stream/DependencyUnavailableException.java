package io.vigil.common.stream;

/**
 * Thrown by an {@link EventHandler} when something it needs (a database, Redis, another service) is unreachable or
 * timed out: the event is fine and will be handled once the dependency is back, so the failure never counts toward
 * {@code vigil.streams.max-deliveries}. Handlers that let the driver's own exception escape need not wrap it:
 * {@link FailureClassifier} recognizes the common ones.
 */
public class DependencyUnavailableException extends RuntimeException {

    public DependencyUnavailableException(String message) {
        super(message);
    }

    public DependencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
