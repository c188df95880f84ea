package io.vigil.common.stream;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;

/**
 * Tells an outage (a dependency unreachable or timing out: the event is fine, retrying later will work) from poison
 * (something about the event itself makes the handler fail). Only poison counts toward
 * {@code vigil.streams.max-deliveries}; during an outage the consumer backs off and retries instead.
 * <p>
 * A failure is an outage when any throwable of its cause chain is
 * <ul>
 * <li>a {@link DependencyUnavailableException};</li>
 * <li>of a class, or a subclass of a class, in {@link #OUTAGE_CLASSES}: socket, connect and timeout exceptions of the
 * JDK, Netty and Vert.x, MongoDB's timeout/socket/not-primary exceptions, Mutiny and fault-tolerance timeouts, an open
 * circuit breaker. Matched by name, so no driver has to be on the class path;</li>
 * <li>a Redis error reply saying the server cannot serve right now ({@link #REDIS_UNAVAILABLE}: LOADING, CLUSTERDOWN,
 * ...);</li>
 * <li>an HTTP response of a called service with status 5xx ({@link WebApplicationException}, e.g. of a REST client);
 * </li>
 * <li>anything a service's own {@link OutageRule} bean accepts.</li>
 * </ul>
 * Everything else (a bug, a validation error, a JSON parse error, a 4xx from a called service) is poison.
 */
@ApplicationScoped
public class FailureClassifier {

    static final Set<String> OUTAGE_CLASSES = Set.of(
            "java.net.SocketException", // ConnectException, NoRouteToHostException, Netty's connect failures
            "java.net.SocketTimeoutException",
            "java.net.UnknownHostException",
            "java.net.http.HttpTimeoutException",
            "java.nio.channels.ClosedChannelException",
            "java.util.concurrent.TimeoutException",
            "java.lang.InterruptedException",
            "io.smallrye.mutiny.TimeoutException", // Uni.await().atMost(...): blocking Redis and REST calls
            "io.vertx.core.http.HttpClosedException",
            "io.netty.handler.timeout.TimeoutException",
            "com.mongodb.MongoTimeoutException", // no server selectable within serverSelectionTimeout
            "com.mongodb.MongoSocketException", // open, read, write, read timeout
            "com.mongodb.MongoNotPrimaryException",
            "com.mongodb.MongoNodeIsRecoveringException",
            "com.mongodb.MongoConnectionPoolClearedException",
            "com.mongodb.MongoServerUnavailableException",
            "com.mongodb.MongoInterruptedException",
            "org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException",
            "org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException",
            "org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException");

    /** Redis error replies that mean "not now", not "never". */
    static final List<String> REDIS_UNAVAILABLE = List.of("LOADING", "CLUSTERDOWN", "MASTERDOWN", "TRYAGAIN",
            "READONLY", "BUSY ", "NOREPLICAS", "Connection is closed", "Connection was closed");

    private static final int MAX_CAUSES = 32;

    private final List<OutageRule> rules;

    @Inject
    public FailureClassifier(jakarta.enterprise.inject.Instance<OutageRule> rules) {
        this.rules = rules.stream().toList();
    }

    /** The built-in rules only. */
    public static FailureClassifier builtIn() {
        return new FailureClassifier(List.of());
    }

    FailureClassifier(List<OutageRule> rules) {
        this.rules = rules;
    }

    /** True when the failure (or one of its causes) says a dependency is down rather than the event being bad. */
    public boolean isOutage(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            if (isOutageItself(t)) {
                return true;
            }
        }
        return false;
    }

    private boolean isOutageItself(Throwable t) {
        if (t instanceof DependencyUnavailableException) {
            return true;
        }
        if (t instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() >= 500) {
            return true;
        }
        for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (OUTAGE_CLASSES.contains(c.getName())) {
                return true;
            }
        }
        String message = t.getMessage();
        if (message != null && REDIS_UNAVAILABLE.stream().anyMatch(message::startsWith)) {
            return true;
        }
        for (OutageRule rule : rules) {
            if (rule.isOutage(t)) {
                return true;
            }
        }
        return false;
    }
}
