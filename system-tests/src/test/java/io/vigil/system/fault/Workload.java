package io.vigil.system.fault;

import java.util.List;

/**
 * Writes to one service that a user depends on being kept, as fast as the service takes them, remembering exactly
 * what the service accepted (a 2xx), so that after a fault every accepted write can be looked for.
 */
public interface Workload {

    String service();

    /** The name of its report line; the service's name unless the service has more than one workload. */
    default String name() {
        return service();
    }

    /** The services whose fault this workload must survive: a kill of any of them is reported for it. */
    default List<String> dependsOn() {
        return List.of(service());
    }

    /** One write attempt; returns true if the service accepted it. Must not throw on an unavailable service. */
    boolean step();

    /** How many writes the service accepted so far. */
    long accepted();

    /** Waits (bounded) for the service to show every accepted write; returns those it lost, empty when none. */
    List<String> lost();

    /** Releases what the workload started (a receiver). */
    default void close() {
    }
}
