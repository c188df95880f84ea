package io.vigil.cache.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

import io.smallrye.mutiny.Uni;
import io.vigil.cache.domain.Decision;
import io.vigil.cache.domain.Names;
import io.vigil.cache.domain.RatePolicy;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.store.RateLimits;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/**
 * Rate-limit decisions with the IETF headers ({@code RateLimit-Policy}/{@code RateLimit} of
 * draft-ietf-httpapi-ratelimit-headers, plus the older {@code RateLimit-Limit/-Remaining/-Reset}) and
 * {@code Retry-After} on 429; policy administration. The decision itself is served by {@link RateLimitRoute} (a
 * Vert.x route in front of this method, issue 19); the method stays for the OpenAPI document and answers the same.
 */
@Path("/api/v1/ratelimit")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "rate limits")
public class RateLimitResource {

    /** A decision: allowed or not, and CL.THROTTLE's values in ms. */
    public record DecisionView(String policy, String subject, boolean allowed, long limit, long remaining,
            long retryAfterMs, long resetMs) {
    }

    public record PolicyView(String name, RatePolicy policy, boolean configured) {
    }

    public record PolicyRequest(Long limit, Long windowMs, String algorithm) {
    }

    static final int MAX_COST = 1000;

    private final RateLimits limits;
    private final CacheMetrics metrics;

    public RateLimitResource(RateLimits limits, CacheMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    @POST
    @Path("/{policy}/{subject}")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Take cost units for a subject: 200 allowed or 429 denied, with RateLimit headers")
    public Uni<RestResponse<DecisionView>> decide(@PathParam("policy") String policy,
            @PathParam("subject") String subject, @QueryParam("cost") @DefaultValue("1") long cost) {
        Names.policy(policy);
        Names.key("subject", subject);
        if (cost < 0 || cost > MAX_COST) {
            throw ProblemException.invalid("cost", "must be 0.." + MAX_COST);
        }
        return limits.require(policy).chain(p -> limits.decide(policy, p, subject, cost).map(d -> {
            metrics.decision(policy, !d.limited());
            return response(policy, subject, p, d);
        }));
    }

    @GET
    @Path("/policies")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "All rate-limit policies")
    public List<PolicyView> list() {
        List<PolicyView> out = new ArrayList<>();
        limits.all().forEach((name, p) -> out.add(new PolicyView(name, p, limits.configured(name))));
        return out;
    }

    @GET
    @Path("/policies/{policy}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One rate-limit policy")
    public PolicyView get(@PathParam("policy") String policy) {
        RatePolicy p = limits.require(Names.policy(policy)).await().atMost(java.time.Duration.ofSeconds(5));
        return new PolicyView(policy, p, limits.configured(policy));
    }

    @PUT
    @Path("/policies/{policy}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or replace a policy: limit per windowMs, algorithm gcra or sliding-window")
    public PolicyView put(@PathParam("policy") String policy, PolicyRequest request) {
        Names.policy(policy);
        if ("policies".equals(policy)) {
            throw ProblemException.invalid("policy", "'policies' is reserved");
        }
        if (request == null || request.limit() == null) {
            throw ProblemException.invalid("limit", "is required");
        }
        RatePolicy p = new RatePolicy(request.limit(), request.windowMs() == null ? 60_000 : request.windowMs(),
                request.algorithm() == null ? RatePolicy.GCRA : request.algorithm());
        limits.save(policy, p);
        return new PolicyView(policy, p, limits.configured(policy));
    }

    @DELETE
    @Path("/policies/{policy}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete an admin-created policy (a configured one reverts to its configuration)")
    public RestResponse<Void> delete(@PathParam("policy") String policy) {
        limits.require(Names.policy(policy)).await().atMost(java.time.Duration.ofSeconds(5));
        limits.delete(policy);
        return RestResponse.noContent();
    }

    private static RestResponse<DecisionView> response(String policy, String subject, RatePolicy p, Decision d) {
        DecisionView body = new DecisionView(policy, subject, !d.limited(), d.limit(), d.remaining(),
                d.retryAfterMs(), d.resetMs());
        RestResponse.ResponseBuilder<DecisionView> b = RestResponse.ResponseBuilder
                .create(d.limited() ? RestResponse.Status.TOO_MANY_REQUESTS : RestResponse.Status.OK, body);
        headers(policy, p, d).forEach(b::header);
        return b.build();
    }

    /** A decision's headers, in order: the IETF draft's two, the older three, and Retry-After on a 429. */
    static Map<String, String> headers(String policy, RatePolicy p, Decision d) {
        long windowS = Math.max(1, ceilSeconds(p.windowMs()));
        long resetS = ceilSeconds(d.resetMs());
        Map<String, String> h = new LinkedHashMap<>();
        h.put("RateLimit-Policy", "\"" + policy + "\";q=" + p.limit() + ";w=" + windowS);
        h.put("RateLimit", "\"" + policy + "\";r=" + d.remaining() + ";t=" + resetS);
        h.put("RateLimit-Limit", Long.toString(d.limit()));
        h.put("RateLimit-Remaining", Long.toString(d.remaining()));
        h.put("RateLimit-Reset", Long.toString(resetS));
        if (d.limited() && d.retryAfterMs() >= 0) {
            h.put("Retry-After", Long.toString(Math.max(1, ceilSeconds(d.retryAfterMs()))));
        }
        return h;
    }

    static long ceilSeconds(long ms) {
        return (ms + 999) / 1000;
    }
}
