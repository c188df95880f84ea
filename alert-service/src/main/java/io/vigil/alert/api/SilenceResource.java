package io.vigil.alert.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Silence;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.store.SilenceStore;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** Silences: create, list, expire. Shared with the Alertmanager API ({@link AlertmanagerResource}). */
@Path("/api/v1/silences")
@Blocking
public class SilenceResource {

    public record SilenceRequest(List<String> matchers, Instant startsAt, Instant endsAt, String createdBy,
            String comment) {
    }

    public record SilenceView(String id, List<String> matchers, String startsAt, String endsAt, String createdBy,
            String comment, String state) {
        static SilenceView of(Silence s, long now) {
            return new SilenceView(s.id(), s.matchers(), Instant.ofEpochMilli(s.startsAt()).toString(),
                    Instant.ofEpochMilli(s.endsAt()).toString(), s.createdBy(), s.comment(), s.state(now));
        }
    }

    private final SilenceStore store;
    private final Dispatcher dispatcher;

    public SilenceResource(SilenceStore store, Dispatcher dispatcher) {
        this.store = store;
        this.dispatcher = dispatcher;
    }

    @GET
    @RolesAllowed(Roles.READER)
    public List<SilenceView> list() {
        long now = System.currentTimeMillis();
        return store.all().stream().map(s -> SilenceView.of(s, now)).toList();
    }

    @POST
    @RolesAllowed(Roles.WRITER)
    public Response create(SilenceRequest r) {
        if (r == null) {
            throw ProblemException.badRequest("a silence JSON body is required");
        }
        Silence s = save(null, r.matchers(), r.startsAt(), r.endsAt(), r.createdBy(), r.comment());
        return Response.status(201).entity(SilenceView.of(s, System.currentTimeMillis())).build();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.WRITER)
    public SilenceView expire(@PathParam("id") String id) {
        return SilenceView.of(expireSilence(id), System.currentTimeMillis());
    }

    /** Validates and stores a silence (new, or replacing {@code id}); 400 naming the field on bad input. */
    Silence save(String id, List<String> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
        if (matchers == null || matchers.isEmpty()) {
            throw ProblemException.invalid("matchers", "at least one matcher");
        }
        Validated.check(() -> Matcher.parseAll("matchers", matchers));
        long now = System.currentTimeMillis();
        long start = startsAt == null ? now : startsAt.toEpochMilli();
        if (endsAt == null) {
            throw ProblemException.invalid("endsAt", "required");
        }
        if (endsAt.toEpochMilli() <= start) {
            throw ProblemException.invalid("endsAt", "must be after startsAt");
        }
        if (id != null && store.get(id) == null) {
            throw ProblemException.notFound("no silence " + id);
        }
        Silence s = new Silence(id == null ? UUID.randomUUID().toString() : id, matchers, start, endsAt.toEpochMilli(),
                createdBy == null ? "" : createdBy, comment == null ? "" : comment, now);
        store.put(s);
        dispatcher.reload();
        return s;
    }

    Silence expireSilence(String id) {
        Silence s = store.get(id);
        if (s == null) {
            throw ProblemException.notFound("no silence " + id);
        }
        long now = System.currentTimeMillis();
        if (s.endsAt() > now) {
            s = new Silence(s.id(), s.matchers(), Math.min(s.startsAt(), now), now, s.createdBy(), s.comment(), now);
            store.put(s);
            dispatcher.reload();
        }
        return s;
    }
}
