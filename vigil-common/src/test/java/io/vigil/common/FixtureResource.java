package io.vigil.common;

import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.vigil.common.http.RequestIds;

import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** A stand-in for a service API, to test the shared security and error handling through real HTTP. */
@Path("/api/v1/fixtures")
public class FixtureResource {

    public record Sample(@NotBlank String service, @PositiveOrZero long durationMs) {
    }

    public record Batch(@NotEmpty List<@Valid Sample> samples) {
    }

    @POST
    @RolesAllowed(Roles.WRITER)
    public Batch ingest(@Valid Batch batch) {
        return batch;
    }

    @GET
    @Path("/{name}")
    @RolesAllowed(Roles.READER)
    public Sample get(@PathParam("name") String name) {
        if (!name.equals("known")) {
            throw ProblemException.notFound("no fixture named " + name);
        }
        return new Sample(name, 1);
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    public void purge() {
    }

    /** What a downstream service sees: the request id header that arrived with the call. */
    @GET
    @Path("/request-id")
    @PermitAll
    public String requestId(@HeaderParam(RequestIds.HEADER) String requestId) {
        return requestId;
    }

    /** Calls {@link #requestId} through a REST client, as a service calling another one would. */
    @GET
    @Path("/relay")
    @PermitAll
    public String relay(@Context UriInfo uri) {
        return QuarkusRestClientBuilder.newBuilder().baseUri(uri.getBaseUri()).build(Downstream.class).requestId();
    }

    @Path("/api/v1/fixtures")
    public interface Downstream {
        @GET
        @Path("/request-id")
        String requestId();
    }

    @GET
    @Path("/boom")
    @RolesAllowed(Roles.READER)
    public Sample boom() {
        throw new IllegalStateException("secret internal detail");
    }
}
