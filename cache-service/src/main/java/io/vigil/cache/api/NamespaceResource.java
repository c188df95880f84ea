package io.vigil.cache.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.vigil.cache.domain.Names;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.l1.L1Cache;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.service.Jobs;
import io.vigil.cache.store.JobStore;
import io.vigil.cache.store.NamespaceRegistry;
import io.vigil.cache.stream.InvalidationReader;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** Namespace administration (admin) and listing (reader); recent jobs of every namespace; this replica's coherence state. */
@Path("/api/v1/cache")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "namespaces")
public class NamespaceResource {

    private final NamespaceRegistry registry;
    private final L1Cache l1;
    private final Jobs jobs;
    private final InvalidationReader reader;
    private final CacheMetrics metrics;
    private final SecurityIdentity identity;
    private final JobStore jobStore;

    public NamespaceResource(NamespaceRegistry registry, L1Cache l1, Jobs jobs, InvalidationReader reader,
            CacheMetrics metrics, SecurityIdentity identity, JobStore jobStore) {
        this.identity = identity;
        this.jobStore = jobStore;
        this.registry = registry;
        this.l1 = l1;
        this.jobs = jobs;
        this.reader = reader;
        this.metrics = metrics;
    }

    @GET
    @Path("/namespaces")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "All namespaces and their settings")
    public NamespaceView.Listing list() {
        List<NamespaceView> out = new ArrayList<>();
        registry.all().forEach((ns, s) -> out.add(view(ns, s)));
        return new NamespaceView.Listing(out);
    }

    @GET
    @Path("/namespaces/{ns}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One namespace's settings")
    public NamespaceView get(@PathParam("ns") String ns) {
        return view(ns, registry.get(Names.namespace(ns)));
    }

    @PUT
    @Path("/namespaces/{ns}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a namespace or change its settings (absent fields unchanged)")
    public RestResponse<NamespaceView> put(@PathParam("ns") String ns, @Valid NamespaceRequest request) {
        Names.namespace(ns);
        NamespaceSettings existing = registry.all().get(ns);
        NamespaceSettings base = existing != null ? existing : registry.defaults();
        NamespaceSettings settings = request == null ? base : request.applyTo(base);
        registry.save(ns, settings);
        return RestResponse.status(existing != null ? RestResponse.Status.OK : RestResponse.Status.CREATED,
                view(ns, settings));
    }

    @DELETE
    @Path("/namespaces/{ns}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a namespace and flush its entries (202: the flush job); a configured one stays")
    public RestResponse<JobView.Accepted> delete(@PathParam("ns") String ns) {
        registry.get(Names.namespace(ns));
        String id = jobs.invalidatePattern(ns, "*", true);
        registry.delete(ns);
        return RestResponse.accepted(new JobView.Accepted(id, ns, "invalidate-namespace",
                "/api/v1/cache/" + ns + "/jobs/" + id));
    }

    @GET
    @Path("/jobs")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Recent invalidation and warming jobs (all namespaces or one), newest first, with state and "
            + "progress; paged, one pipelined Redis round trip per page")
    public JobView.Page jobs(@Parameter(description = "Only this namespace's jobs") @QueryParam("namespace") String ns,
            @QueryParam("limit") @DefaultValue("25") int limit, @QueryParam("cursor") String cursor) {
        if (ns != null) {
            Names.namespace(ns);
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit", "must be between 1 and 500");
        }
        int offset = decodeCursor(cursor);
        JobStore.Page page = jobStore.list(ns, offset, limit);
        List<JobView> out = page.jobs().stream().map(j -> JobView.of(j.ns(), j.id(), j.fields())).toList();
        // an offset cursor: a job started meanwhile moves the next page by one (newest first is what the console wants)
        String next = offset + limit < page.total() ? encodeCursor(offset + limit) : null;
        return new JobView.Page(out, next, page.total());
    }

    static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static int decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!s.startsWith("o:")) {
                throw new IllegalArgumentException(s);
            }
            int offset = Integer.parseInt(s.substring(2));
            if (offset < 0) {
                throw new IllegalArgumentException(s);
            }
            return offset;
        } catch (RuntimeException e) {
            throw ProblemException.invalid("cursor", "is not a cursor this API returned");
        }
    }

    @GET
    @Path("/coherence")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "This replica's invalidation reader: connected, last applied id per namespace, worst delay")
    public Map<String, Object> coherence() {
        return Map.of("connected", reader.connected(), "positions", reader.positions(), "resyncs", reader.resyncs(),
                "l1Clears", reader.clears(), "worstDelayMs", metrics.worstDelayMs());
    }

    private NamespaceView view(String ns, NamespaceSettings s) {
        if (s == null) {
            throw ProblemException.notFound("namespace '" + ns + "' does not exist");
        }
        // the loader URL names an internal service (and may carry credentials): admins only
        NamespaceSettings shown = identity.hasRole(Roles.ADMIN) ? s : s.withoutLoaderUrl();
        return new NamespaceView(ns, shown, registry.configured(ns), l1.size(ns));
    }
}
