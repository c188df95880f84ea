package io.vigil.metrics.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vigil.common.security.Roles;
import io.vigil.metrics.store.CustomMetricStore;

/** Generic business metrics: counters and gauges with labels. */
@Path("/api/v1/custom-metrics")
@Tag(name = "custom metrics")
@Produces(MediaType.APPLICATION_JSON)
public class CustomMetricResource {

    private final CustomMetricStore store;

    public CustomMetricResource(CustomMetricStore store) {
        this.store = store;
    }

    @POST
    @RolesAllowed(Roles.WRITER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add counter increments and set gauge values (all or nothing: 400 lists invalid fields)")
    public Response record(@NotEmpty @Size(max = 1000) List<@Valid CustomMetric> updates) {
        store.apply(updates);
        return Response.accepted().build();
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Current value of every labelled custom series, optionally of one metric name")
    public List<CustomMetricValue> list(@QueryParam("name") String name) {
        return store.list(name);
    }
}
