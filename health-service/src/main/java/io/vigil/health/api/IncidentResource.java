package io.vigil.health.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.jboss.resteasy.reactive.RestResponse;

import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.health.domain.Incident;
import io.vigil.health.domain.Maintenance;
import io.vigil.health.schedule.MaintenanceCalendar;
import io.vigil.health.schedule.TargetRegistry;
import io.vigil.health.store.IncidentStore;
import io.vigil.health.store.StateStore;

/** Incidents (opened, updated and resolved by an admin) and maintenance windows, with their history. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "incidents")
public class IncidentResource {

    private static final Set<String> SEVERITIES = Set.of("minor", "major", "critical");
    private static final Set<String> STATUSES = Set.of("investigating", "identified", "monitoring", "resolved");

    public record IncidentRequest(String title, String message, String severity, List<String> targets, String status) {
    }

    public record UpdateRequest(String message, String status) {
    }

    /** {@code startsAt} defaults to now; give {@code endsAt} or {@code durationMs}. */
    public record MaintenanceRequest(String title, String message, List<String> targets, String startsAt,
            String endsAt, Long durationMs) {
    }

    private final IncidentStore store;
    private final TargetRegistry registry;
    private final MaintenanceCalendar calendar;
    private final StateStore states;

    public IncidentResource(IncidentStore store, TargetRegistry registry, MaintenanceCalendar calendar,
            StateStore states) {
        this.store = store;
        this.registry = registry;
        this.calendar = calendar;
        this.states = states;
    }

    @GET
    @Path("/incidents")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Incidents, newest first (status=open|resolved|all)")
    public List<Incident> incidents(@QueryParam("status") @DefaultValue("all") String status,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        Boolean open = switch (status) {
            case "open" -> Boolean.TRUE;
            case "resolved" -> Boolean.FALSE;
            case "all" -> null;
            default -> throw ProblemException.invalid("status", "open, resolved or all");
        };
        return store.incidents(open, Windows.limit(limit));
    }

    @GET
    @Path("/incidents/{id}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One incident with its updates")
    public Incident incident(@PathParam("id") String id) {
        return store.incident(id).orElseThrow(() -> ProblemException.notFound("no incident " + id));
    }

    @POST
    @Path("/incidents")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Open an incident (title, message, severity minor|major|critical, affected targets)")
    public RestResponse<Incident> open(IncidentRequest req) {
        requireTitle(req == null ? null : req.title());
        String severity = req.severity() == null ? "major" : req.severity();
        if (!SEVERITIES.contains(severity)) {
            throw ProblemException.invalid("severity", "minor, major or critical");
        }
        String status = req.status() == null ? "investigating" : req.status();
        if (!STATUSES.contains(status) || status.equals("resolved")) {
            throw ProblemException.invalid("status", "investigating, identified or monitoring");
        }
        List<String> targets = knownTargets(req.targets());
        String now = Instant.now().toString();
        String message = req.message() == null ? "" : req.message();
        Incident incident = new Incident(UUID.randomUUID().toString(), req.title(), message, severity, targets, status,
                now, null, List.of(new Incident.Update(now, status, message)));
        store.save(incident);
        return RestResponse.status(RestResponse.Status.CREATED, incident);
    }

    @POST
    @Path("/incidents/{id}/updates")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Post an update (message, status investigating|identified|monitoring|resolved)")
    public Incident update(@PathParam("id") String id, UpdateRequest req) {
        if (req == null || req.message() == null || req.message().isBlank()) {
            throw ProblemException.invalid("message", "required");
        }
        Incident current = incident(id);
        if (!current.open()) {
            throw ProblemException.conflict("incident " + id + " is resolved");
        }
        String status = req.status() == null ? current.status() : req.status();
        if (!STATUSES.contains(status)) {
            throw ProblemException.invalid("status", "investigating, identified, monitoring or resolved");
        }
        return save(current, status, req.message());
    }

    @POST
    @Path("/incidents/{id}/resolve")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Resolve an incident (optional message)")
    public Incident resolve(@PathParam("id") String id, UpdateRequest req) {
        Incident current = incident(id);
        if (!current.open()) {
            throw ProblemException.conflict("incident " + id + " is already resolved");
        }
        return save(current, "resolved", req == null || req.message() == null ? "Resolved" : req.message());
    }

    private Incident save(Incident current, String status, String message) {
        String now = Instant.now().toString();
        List<Incident.Update> updates = new ArrayList<>(current.updates());
        updates.add(new Incident.Update(now, status, message));
        Incident next = new Incident(current.id(), current.title(), current.message(), current.severity(),
                current.targets(), status, current.createdAt(), status.equals("resolved") ? now : null, updates);
        store.save(next);
        return next;
    }

    @GET
    @Path("/maintenance")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Maintenance windows, newest first (active=true: only current and upcoming ones)")
    public List<Maintenance> maintenance(@QueryParam("active") @DefaultValue("false") boolean active,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return store.maintenance(active ? System.currentTimeMillis() : Long.MIN_VALUE, Windows.limit(limit));
    }

    @POST
    @Path("/maintenance")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Schedule a maintenance window: its targets publish no transitions while it lasts")
    public RestResponse<Maintenance> schedule(MaintenanceRequest req) {
        requireTitle(req == null ? null : req.title());
        List<String> targets = knownTargets(req.targets());
        if (targets.isEmpty()) {
            throw ProblemException.invalid("targets", "at least one target");
        }
        long start = req.startsAt() == null ? System.currentTimeMillis() : Windows.instant("startsAt", req.startsAt());
        long end;
        if (req.endsAt() != null) {
            end = Windows.instant("endsAt", req.endsAt());
        } else if (req.durationMs() != null && req.durationMs() > 0) {
            end = start + req.durationMs();
        } else {
            throw ProblemException.invalid("endsAt", "give endsAt or a positive durationMs");
        }
        if (end <= start) {
            throw ProblemException.invalid("endsAt", "must be after startsAt");
        }
        Maintenance m = new Maintenance(UUID.randomUUID().toString(), req.title(),
                req.message() == null ? "" : req.message(), targets, Instant.ofEpochMilli(start).toString(),
                Instant.ofEpochMilli(end).toString(), Instant.now().toString());
        store.save(m);
        changed();
        return RestResponse.status(RestResponse.Status.CREATED, m);
    }

    @DELETE
    @Path("/maintenance/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "End a maintenance window now (it stays in the history)")
    public Maintenance end(@PathParam("id") String id) {
        Maintenance m = store.maintenance(id).orElseThrow(() -> ProblemException.notFound("no maintenance " + id));
        long now = System.currentTimeMillis();
        if (Instant.parse(m.endsAt()).toEpochMilli() <= now) {
            return m;
        }
        String end = Instant.ofEpochMilli(Math.max(now, Instant.parse(m.startsAt()).toEpochMilli())).toString();
        Maintenance ended = new Maintenance(m.id(), m.title(), m.message(), m.targets(), m.startsAt(), end,
                m.createdAt());
        store.save(ended);
        changed();
        return ended;
    }

    private void changed() {
        states.bumpConfigVersion();
        calendar.reload();
    }

    private static void requireTitle(String title) {
        if (title == null || title.isBlank() || title.length() > 200) {
            throw ProblemException.invalid("title", "required, at most 200 characters");
        }
    }

    private List<String> knownTargets(List<String> targets) {
        List<String> out = targets == null ? List.of() : targets;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null || registry.get(out.get(i)) == null) {
                throw ProblemException.invalid("targets[" + i + "]", "unknown target '" + out.get(i) + "'");
            }
        }
        return List.copyOf(out);
    }
}
