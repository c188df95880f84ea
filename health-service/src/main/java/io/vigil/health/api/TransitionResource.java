package io.vigil.health.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vigil.common.security.Roles;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.store.ResultStore;
import io.vigil.health.store.ResultStore.StoredTransition;

/** The published state transitions (the same as the health.transition events), kept 90 days. */
@Path("/api/v1/transitions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "status")
public class TransitionResource {

    private final ResultStore results;
    private final long keptMs;

    public TransitionResource(ResultStore results, HealthConfig config) {
        this.results = results;
        this.keptMs = config.retention().transitions().toMillis();
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Transitions of a window (window=1h|24h|7d|30d or from/to), newest first, optionally of one target, paged")
    public Page<StoredTransition> list(@QueryParam("window") String window, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("target") String target, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("500") int limit) {
        Windows w = Windows.parse(window, from, to, "24h", keptMs);
        int n = Windows.limit(limit);
        return Page.of(results.transitions(w.from(), Page.before(cursor, w.to()), target, n), n,
                t -> java.time.Instant.parse(t.checkedAt()).toEpochMilli());
    }
}
