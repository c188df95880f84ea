package io.vigil.common.deadletter;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/**
 * The dead letters of the streams this service consumes, in every service (vigil-common's Jandex index brings it
 * along): list, page, replay. Admin only: entries carry whole events. Not to be confused with queue-service's dead
 * jobs ({@code /api/v1/queues/{q}/dead/...}).
 */
@Path("/api/v1/admin/streams/dead-letters")
@Produces(MediaType.APPLICATION_JSON) // an unsupported Accept gets 406, not a failed negotiation (500)
@Tag(name = "stream dead letters")
@RolesAllowed(Roles.ADMIN)
public class DeadLetterResource {

    /** Body of a replay: the dead-letter entry ids to replay; {@code {}} (no ids) replays them all. */
    public record ReplayRequest(List<String> ids) {
    }

    public record Listing(List<DeadLetters.Summary> deadLetters) {
    }

    private final DeadLetters deadLetters;

    public DeadLetterResource(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GET
    @Operation(summary = "The dead-letter stream of each stream and group this service consumes, with its length")
    public Listing list() {
        return new Listing(deadLetters.list());
    }

    @GET
    @Path("/{stream}")
    @Operation(summary = "Dead letters of one consumed stream, oldest first, paged by cursor (the last entry id)")
    public DeadLetters.Page page(@PathParam("stream") String stream, @QueryParam("group") String group,
            @QueryParam("limit") @DefaultValue("100") String limit, @QueryParam("cursor") String cursor) {
        return deadLetters.page(stream, group, parseLimit(limit), cursor);
    }

    @POST
    @Path("/{stream}/replay")
    @Operation(summary = "Append dead letters to their source stream again and delete them; all when no ids given")
    public DeadLetters.Replay replay(@PathParam("stream") String stream, @QueryParam("group") String group,
            ReplayRequest request) {
        return deadLetters.replay(stream, group, request == null || request.ids() == null ? List.of() : request.ids());
    }

    private static int parseLimit(String limit) {
        try {
            return Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("limit", "must be a number between 1 and " + DeadLetters.MAX_LIMIT);
        }
    }
}
