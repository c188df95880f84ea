package io.vigil.cache.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vigil.cache.domain.Lookup;
import io.vigil.cache.domain.Names;
import io.vigil.cache.domain.NewValue;
import io.vigil.cache.service.CacheService;
import io.vigil.cache.store.NamespaceRegistry;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/**
 * Entries of one namespace: raw put (the body with its own content type), delete, metadata and the bulk calls.
 * Reading one value ({@code GET}/{@code HEAD .../entries/{key}}) is {@link EntryRoute}.
 */
@Path("/api/v1/cache/{ns}")
@Tag(name = "entries")
public class EntryResource {

    private final CacheService cache;
    private final NamespaceRegistry registry;
    private final Values values;

    public EntryResource(CacheService cache, NamespaceRegistry registry, Values values) {
        this.cache = cache;
        this.registry = registry;
        this.values = values;
    }

    @GET
    @Path("/entries/{key}/meta")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.READER)
    @Operation(summary = "An entry's metadata: TTL left, tags, level it came from, sizes, compression, ETag")
    public Uni<EntryView> meta(@PathParam("ns") String ns, @PathParam("key") String key) {
        Names.namespace(ns);
        Names.key("key", key);
        return cache.get(ns, key, false).map(l -> {
            if (l == null) {
                throw ProblemException.notFound("key '" + key + "' is not in namespace '" + ns + "'");
            }
            return values.view(key, l, true);
        });
    }

    // JSON is parsed (and the value checked) on a worker thread, never on the event loop
    @Blocking
    @PUT
    @Path("/entries/{key}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Store the request body with its Content-Type; ttlMs and tags (comma-separated) optional")
    public Uni<RestResponse<Map<String, Object>>> put(@PathParam("ns") String ns, @PathParam("key") String key,
            @QueryParam("ttlMs") Long ttlMs, @QueryParam("tags") List<String> tags,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        Names.namespace(ns);
        return registry.require(ns).chain(settings -> {
            NewValue v = values.raw("body", key, body == null ? new byte[0] : body, contentType, ttlMs, tags,
                    settings);
            return cache.put(ns, settings, List.of(v)).map(version -> RestResponse.ResponseBuilder
                    .ok((Map<String, Object>) Map.<String, Object>of("key", key, "etag", "\"" + version + "\"",
                            "ttlMs", v.ttlMs()), MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.ETAG, "\"" + version + "\"").build());
        });
    }

    @DELETE
    @Path("/entries/{key}")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Delete one entry everywhere (L2 and every replica's L1); 404 when it did not exist")
    public Uni<RestResponse<Void>> delete(@PathParam("ns") String ns, @PathParam("key") String key) {
        Names.namespace(ns);
        Names.key("key", key);
        return cache.delete(ns, List.of(key)).map(n -> n > 0 ? RestResponse.<Void>noContent()
                : RestResponse.<Void>notFound());
    }

    // JSON is parsed (and the value checked) on a worker thread, never on the event loop
    @Blocking
    @POST
    @Path("/bulk/get")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Read many keys: L1 first, the rest in one Redis round trip; never loads")
    public Uni<EntryView.Bulk> bulkGet(@PathParam("ns") String ns, BulkRequests.BulkGet request) {
        Names.namespace(ns);
        List<String> keys = request == null || request.keys() == null ? List.of() : request.keys();
        if (keys.isEmpty() || keys.size() > values.maxBatch()) {
            throw ProblemException.invalid("keys", "must hold 1.." + values.maxBatch() + " keys");
        }
        for (int i = 0; i < keys.size(); i++) {
            Names.key("keys[" + i + "]", keys.get(i));
        }
        return cache.getMany(ns, keys).map(found -> {
            Map<String, EntryView> out = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String key : keys) {
                Lookup l = found.get(key);
                if (l == null) {
                    missing.add(key);
                } else {
                    out.put(key, values.view(key, l, false));
                }
            }
            return new EntryView.Bulk(out, missing);
        });
    }

    // JSON is parsed (and the value checked) on a worker thread, never on the event loop
    @Blocking
    @POST
    @Path("/bulk/put")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Store many entries in one Redis round trip (all or nothing)")
    public Uni<Map<String, Object>> bulkPut(@PathParam("ns") String ns, BulkRequests.BulkPut request) {
        Names.namespace(ns);
        return registry.require(ns).chain(settings -> {
            List<NewValue> batch = values.items("entries", request == null ? null : request.entries(), settings,
                    values.maxBatch());
            return cache.put(ns, settings, batch).map(version -> Map.<String, Object>of("stored", batch.size(),
                    "etag", "\"" + version + "\""));
        });
    }
}
