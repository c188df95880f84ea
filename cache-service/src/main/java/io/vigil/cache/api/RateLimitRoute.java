package io.vigil.cache.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.cache.domain.Decision;
import io.vigil.cache.domain.Names;
import io.vigil.cache.domain.RatePolicy;
import io.vigil.cache.metrics.CacheMetrics;
import io.vigil.cache.service.RedisUnavailable;
import io.vigil.cache.store.RateLimits;
import io.vigil.common.health.Dependencies;
import io.vigil.common.http.RequestIds;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/**
 * {@code POST /api/v1/ratelimit/{policy}/{subject}?cost=1}, the decision, as a Vert.x route in front of the JAX-RS
 * method of {@link RateLimitResource} (which stays for the OpenAPI document and answers the same). Issue 19's
 * profile of a decision through JAX-RS: the RESTEasy handler chain, the security interceptor's Mutiny chain with
 * context capture on every operator, and response serialisation cost several times the one Redis round trip. Here:
 * the writer role checked by {@link RouteAuth}, the policy from memory, one {@code gcra.lua} (or sliding-window)
 * round trip, the answer written on the request's event loop. Same status codes, headers and JSON body.
 */
@ApplicationScoped
public class RateLimitRoute {

    private static final String PATH = "/api/v1/ratelimit/:policy/:subject";
    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(RequestIds.HEADER);
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json;charset=UTF-8");

    private final RateLimits limits;
    private final CacheMetrics metrics;
    private final ObjectMapper mapper;
    private final RouteAuth auth;
    private final Dependencies dependencies;

    public RateLimitRoute(RateLimits limits, CacheMetrics metrics, ObjectMapper mapper, RouteAuth auth,
            Dependencies dependencies) {
        this.limits = limits;
        this.metrics = metrics;
        this.mapper = mapper;
        this.auth = auth;
        this.dependencies = dependencies;
    }

    void register(@Observes Router router) {
        router.post(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        String policy = ctx.pathParam("policy");
        if ("policies".equals(policy)) {
            ctx.next(); // /policies/{p} is the admin resource (no POST there: JAX-RS answers 405)
            return;
        }
        ctx.response().putHeader(REQUEST_ID, RouteRequestIds.of(ctx.request().getHeader(REQUEST_ID)));
        if (!auth.allow(ctx, Roles.WRITER)) {
            return;
        }
        String subject = ctx.pathParam("subject");
        long cost;
        try {
            Names.policy(policy);
            Names.key("subject", subject);
            cost = cost(ctx.request().getParam("cost"));
        } catch (ProblemException e) {
            Problems.write(ctx, mapper, e);
            return;
        }
        RatePolicy known = limits.known(policy);
        if (known != null) {
            decide(ctx, policy, known, subject, cost);
            return;
        }
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        limits.require(policy).subscribe().with(
                p -> context.runOnContext(x -> decide(ctx, policy, p, subject, cost)),
                t -> context.runOnContext(x -> failed(ctx, t)));
    }

    private void decide(RoutingContext ctx, String policy, RatePolicy p, String subject, long cost) {
        RequestContext.whenDone(ctx, limits.decideNow(policy, p, subject, cost),
                ar -> finish(ctx, policy, subject, p, ar));
    }

    private void finish(RoutingContext ctx, String policy, String subject, RatePolicy p,
            io.vertx.core.AsyncResult<Decision> ar) {
        if (ar.succeeded()) {
            respond(ctx, policy, subject, p, ar.result());
        } else {
            failed(ctx, ar.cause());
        }
    }

    private void respond(RoutingContext ctx, String policy, String subject, RatePolicy p, Decision d) {
        metrics.decision(policy, !d.limited());
        HttpServerResponse r = ctx.response().setStatusCode(d.limited() ? 429 : 200);
        RateLimitResource.headers(policy, p, d).forEach(r::putHeader);
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new RateLimitResource.DecisionView(policy, subject, !d.limited(),
                    d.limit(), d.remaining(), d.retryAfterMs(), d.resetMs()));
        } catch (Exception e) {
            failed(ctx, e);
            return;
        }
        r.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(body));
    }

    private void failed(RoutingContext ctx, Throwable t) {
        if (t instanceof ProblemException p) {
            Problems.write(ctx, mapper, p);
            return;
        }
        // a Redis failure: 503 with Retry-After (a lost connection also turns readiness DOWN now)
        dependencies.sawFailure(t);
        Log.debugf("rate-limit decision failed: %s", t.toString());
        Problems.write(ctx, mapper, RedisUnavailable.problem(t));
    }

    /** {@code cost}: absent = 1, else a whole number 0..1000. */
    private static long cost(String value) {
        if (value == null) {
            return 1;
        }
        long cost;
        try {
            cost = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("cost", "must be 0.." + RateLimitResource.MAX_COST);
        }
        if (cost < 0 || cost > RateLimitResource.MAX_COST) {
            throw ProblemException.invalid("cost", "must be 0.." + RateLimitResource.MAX_COST);
        }
        return cost;
    }
}
