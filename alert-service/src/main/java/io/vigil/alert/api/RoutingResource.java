package io.vigil.alert.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import org.bson.Document;

import io.smallrye.common.annotation.Blocking;
import io.vigil.alert.domain.Routing;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.notify.QueueClient;
import io.vigil.alert.store.DeadLetterStore;
import io.vigil.alert.store.RoutingStore;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** Receivers, route tree, inhibit rules and escalation policies (one document); dead-lettered notifications. */
@Path("/api/v1")
@Blocking
public class RoutingResource {

    private final RoutingStore store;
    private final Dispatcher dispatcher;
    private final QueueClient queue;
    private final DeadLetterStore dead;

    public RoutingResource(RoutingStore store, Dispatcher dispatcher, QueueClient queue, DeadLetterStore dead) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.queue = queue;
        this.dead = dead;
    }

    /** Receivers' URLs, keys and tokens are never returned. */
    @GET
    @Path("/routing")
    @RolesAllowed(Roles.READER)
    public Routing get() {
        return store.get().redacted();
    }

    @PUT
    @Path("/routing")
    @RolesAllowed(Roles.ADMIN)
    public Routing put(Routing routing) {
        if (routing == null) {
            throw ProblemException.badRequest("a routing JSON body is required");
        }
        Routing r = new Routing(routing.receivers(), routing.route(), routing.inhibitRules(),
                routing.escalationPolicies(), "api");
        Validated.check(() -> {
            r.validate();
            return r;
        });
        store.put(r);
        dispatcher.reload();
        return r.redacted();
    }

    /**
     * Dead-lettered notifications: those queue-service gave up on (its {@code notifications} dead letters) and those
     * given up on during direct delivery while queue-service was unavailable.
     */
    @GET
    @Path("/notifications/dead")
    @RolesAllowed(Roles.READER)
    public java.util.Map<String, Object> deadLetters() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        java.util.List<Object> direct = new java.util.ArrayList<>();
        for (Document d : dead.recent(500)) {
            direct.add(d);
        }
        out.put("direct", direct);
        if (queue.configured()) {
            try {
                out.put("queue", queue.jobs("dead", 500).path("jobs"));
            } catch (RuntimeException e) {
                out.put("queueError", e.getMessage());
            }
        }
        return out;
    }
}
