package io.vigil.health.api;

import java.util.Comparator;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.CheckResult;
import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetSpec;
import io.vigil.health.domain.UptimeStats;
import io.vigil.health.schedule.TargetRegistry;
import io.vigil.health.store.ResultStore;

/** Targets (configured, default Vigil services, and API-managed ones), their history and uptime. */
@Path("/api/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "targets")
public class TargetResource {

    private final TargetRegistry registry;
    private final ResultStore results;
    private final SecurityIdentity identity;
    /** How long results are kept: longer windows of history and uptime do not exist (a 400 lists those that do). */
    private final long keptMs;

    public TargetResource(TargetRegistry registry, ResultStore results, SecurityIdentity identity,
            HealthConfig config) {
        this.registry = registry;
        this.results = results;
        this.identity = identity;
        this.keptMs = config.retention().results().toMillis();
    }

    /** Secrets (URL credentials, header values, bodies) are shown to admins only. */
    private TargetView view(Target t) {
        return TargetView.of(t, identity.hasRole(Roles.ADMIN));
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Every target, with its source (config, service or api)",
            description = "Below admin, URL credentials and query values, header values and bodies are <secret>.")
    public List<TargetView> list() {
        return registry.all().stream().sorted(Comparator.comparing(Target::name)).map(this::view).toList();
    }

    @GET
    @Path("/{name}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One target")
    public TargetView get(@PathParam("name") String name) {
        return view(target(name));
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a target; conditions are parsed now (a syntax error is a 400 naming the condition)")
    public RestResponse<TargetView> create(TargetSpec spec) {
        if (spec == null) {
            throw ProblemException.badRequest("a JSON target is required");
        }
        if (spec.name() != null && registry.get(spec.name()) != null) {
            throw ProblemException.conflict("target " + spec.name() + " exists; PUT /api/v1/targets/" + spec.name()
                    + " changes it");
        }
        return RestResponse.status(RestResponse.Status.CREATED, view(registry.save(spec)));
    }

    @PUT
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create (201) or replace (200) a target")
    public RestResponse<TargetView> put(@PathParam("name") String name, TargetSpec spec) {
        if (spec == null) {
            throw ProblemException.badRequest("a JSON target is required");
        }
        if (spec.name() != null && !spec.name().equals(name)) {
            throw ProblemException.invalid("name", "differs from the path (" + name + ")");
        }
        boolean existed = registry.get(name) != null;
        Target saved = registry.save(spec.withName(name));
        return RestResponse.status(existed ? RestResponse.Status.OK : RestResponse.Status.CREATED, view(saved));
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete an API target with its history (configured ones are 409)")
    public RestResponse<Void> delete(@PathParam("name") String name) {
        registry.delete(name);
        return RestResponse.noContent();
    }

    @GET
    @Path("/{name}/history")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Check results of a target, newest first (window=1h|24h|7d|30d or from/to), paged")
    public Page<CheckResult> history(@PathParam("name") String name, @QueryParam("window") String window,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        target(name);
        Windows w = Windows.parse(window, from, to, "24h", keptMs);
        int n = Windows.limit(limit);
        return Page.of(results.history(name, w.from(), Page.before(cursor, w.to()), n), n, CheckResult::checkedAt);
    }

    @GET
    @Path("/{name}/uptime")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Uptime % and response-time p50/p95/p99 over 1h, 24h, 7d and 30d (or one window=), those results are kept for",
            description = "Results while a parent was DOWN (UNREACHABLE) or in maintenance are left out of uptime.")
    public List<UptimeStats> uptime(@PathParam("name") String name, @QueryParam("window") String window) {
        target(name);
        List<String> windows = window == null
                ? Windows.available(keptMs).stream().filter(w -> !w.equals("15m") && !w.equals("6h")).toList()
                : List.of(window);
        long now = System.currentTimeMillis();
        return windows.stream().map(w -> results.stats(name, w, Windows.length(w, keptMs), now)).toList();
    }

    private Target target(String name) {
        return registry.find(name).orElseThrow(() -> ProblemException.notFound("no target " + name));
    }
}
