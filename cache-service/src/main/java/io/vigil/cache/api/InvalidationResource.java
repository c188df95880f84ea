package io.vigil.cache.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.cache.domain.Names;
import io.vigil.cache.domain.NamespaceSettings;
import io.vigil.cache.service.CacheService;
import io.vigil.cache.service.Jobs;
import io.vigil.cache.store.JobStore;
import io.vigil.cache.store.NamespaceRegistry;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** Invalidation by key, tag, glob pattern and namespace; warming; the jobs that run the long ones. */
@Path("/api/v1/cache/{ns}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "invalidation")
public class InvalidationResource {

    private final CacheService cache;
    private final Jobs jobs;
    private final JobStore jobStore;
    private final NamespaceRegistry registry;
    private final Values values;
    private final CacheServiceConfig config;

    public InvalidationResource(CacheService cache, Jobs jobs, JobStore jobStore, NamespaceRegistry registry,
            Values values, CacheServiceConfig config) {
        this.cache = cache;
        this.jobs = jobs;
        this.jobStore = jobStore;
        this.registry = registry;
        this.values = values;
        this.config = config;
    }

    @POST
    @Path("/invalidate")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Invalidate by keys or tags (answered when done) or by glob pattern (202: a pollable job)")
    public RestResponse<Object> invalidate(@PathParam("ns") String ns, BulkRequests.Invalidate request) {
        Names.namespace(ns);
        registry.get(ns);
        if (request == null) {
            throw ProblemException.badRequest("a body with keys, tags or pattern is required");
        }
        int given = (request.keys() != null ? 1 : 0) + (request.tags() != null ? 1 : 0)
                + (request.pattern() != null ? 1 : 0);
        if (given != 1) {
            throw ProblemException.invalid("keys", "give exactly one of keys, tags, pattern");
        }
        if (request.pattern() != null) {
            String glob = Names.glob(request.pattern());
            String id = jobs.invalidatePattern(ns, glob, false);
            return RestResponse.accepted(accepted(ns, id, "invalidate-pattern"));
        }
        List<String> names = request.keys() != null ? request.keys() : request.tags();
        String field = request.keys() != null ? "keys" : "tags";
        if (names.isEmpty() || names.size() > config.maxBatch()) {
            throw ProblemException.invalid(field, "must hold 1.." + config.maxBatch() + " names");
        }
        for (int i = 0; i < names.size(); i++) {
            Names.key(field + "[" + i + "]", names.get(i));
        }
        long n;
        if (request.keys() != null) {
            n = cache.delete(ns, names).await().atMost(java.time.Duration.ofSeconds(10));
        } else {
            n = 0;
            for (String tag : names) {
                n += cache.invalidateTag(ns, tag, config.scanBatch());
            }
        }
        return RestResponse.ok(Map.of("namespace", ns, "invalidated", n));
    }

    @DELETE
    @Path("/entries")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Invalidate the whole namespace (202: a pollable job)")
    public RestResponse<Object> flush(@PathParam("ns") String ns) {
        Names.namespace(ns);
        registry.get(ns);
        return RestResponse.accepted(accepted(ns, jobs.invalidatePattern(ns, "*", true), "invalidate-namespace"));
    }

    @POST
    @Path("/warm")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Warm from keys (through the loader) or from given entries (202: a pollable job)")
    public RestResponse<Object> warm(@PathParam("ns") String ns, BulkRequests.Warm request) {
        Names.namespace(ns);
        NamespaceSettings settings = registry.get(ns);
        if (request == null || (request.keys() == null) == (request.entries() == null)) {
            throw ProblemException.invalid("keys", "give exactly one of keys, entries");
        }
        int max = config.maxBatch() * 100;
        if (request.keys() != null) {
            if (request.keys().isEmpty() || request.keys().size() > max) {
                throw ProblemException.invalid("keys", "must hold 1.." + max + " keys");
            }
            for (int i = 0; i < request.keys().size(); i++) {
                Names.key("keys[" + i + "]", request.keys().get(i));
            }
            return RestResponse.accepted(accepted(ns, jobs.warmByLoader(ns, settings, request.keys()), "warm-load"));
        }
        var items = values.items("entries", request.entries(), settings, max);
        return RestResponse.accepted(accepted(ns, jobs.warmFromValues(ns, settings, items), "warm-values"));
    }

    @GET
    @Path("/jobs/{id}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "A job's progress")
    public JobView job(@PathParam("ns") String ns, @PathParam("id") String id) {
        Names.namespace(ns);
        Map<String, String> f = jobStore.find(ns, id);
        if (f.isEmpty()) {
            throw ProblemException.notFound("no job " + id + " in namespace '" + ns + "' (or it expired)");
        }
        return JobView.of(ns, id, f);
    }

    private static JobView.Accepted accepted(String ns, String id, String kind) {
        return new JobView.Accepted(id, ns, kind, "/api/v1/cache/" + ns + "/jobs/" + id);
    }
}
