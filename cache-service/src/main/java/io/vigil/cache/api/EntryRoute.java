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
import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.Lookup;
import io.vigil.cache.domain.Names;
import io.vigil.cache.service.CacheService;
import io.vigil.common.http.RequestIds;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/**
 * {@code GET} and {@code HEAD /api/v1/cache/{ns}/entries/{key}}: the value exactly as it was put, under its own
 * content type, with ETag / If-None-Match → 304, {@code Cache-Control: max-age} from the TTL left,
 * {@code X-Cache: L1|L2|LOAD|STALE}, and {@code X-Cache-Stale} with the reason when a value past its freshness (or
 * possibly behind an unreachable Redis) is served. On a miss the namespace's loader is called ({@code load=false}
 * disables that). A Vert.x route rather than JAX-RS: the JSON provider claims every body type a wildcard resource
 * produces (opaque bytes came out as base64 text), and this is the hot path. The reader role is checked here by
 * {@link RouteAuth} (no Quarkus permission policy: issue 19 measured its Mutiny chain at about a fifth of an L1 hit's
 * CPU). Header names are pre-encoded ({@link HttpHeaders#createOptimized}) so Vert.x writes them without re-encoding.
 */
@ApplicationScoped
public class EntryRoute {

    private static final String PATH = "/api/v1/cache/:ns/entries/:key";

    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(RequestIds.HEADER);
    private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
    private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence X_CACHE = HttpHeaders.createOptimized("X-Cache");
    private static final CharSequence X_CACHE_STALE = HttpHeaders.createOptimized("X-Cache-Stale");
    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence CONTENT_LENGTH = HttpHeaders.createOptimized("Content-Length");

    private final CacheService cache;
    private final ObjectMapper mapper;
    private final RouteAuth auth;

    public EntryRoute(CacheService cache, ObjectMapper mapper, RouteAuth auth) {
        this.cache = cache;
        this.mapper = mapper;
        this.auth = auth;
    }

    void register(@Observes Router router) {
        router.get(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(ctx -> handle(ctx, true));
        router.head(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(ctx -> handle(ctx, false));
    }

    private void handle(RoutingContext ctx, boolean withBody) {
        ctx.response().putHeader(REQUEST_ID, RouteRequestIds.of(ctx.request().getHeader(REQUEST_ID)));
        if (!auth.allow(ctx, Roles.READER)) {
            return;
        }
        String ns = ctx.pathParam("ns");
        String key = ctx.pathParam("key");
        boolean load = withBody && !"false".equals(ctx.request().getParam("load"));
        try {
            Names.namespace(ns);
            Names.key("key", key);
        } catch (ProblemException e) {
            problem(ctx, e);
            return;
        }
        Lookup hit = cache.l1Hit(ns, key);
        if (hit != null) {
            // the hot path: answered here on the event loop, no Uni and no hop
            respond(ctx, ns, key, hit, withBody);
            return;
        }
        RequestContext.whenDone(ctx, cache.getNow(ns, key, load), ar -> finish(ctx, ns, key, withBody, ar));
    }

    private void finish(RoutingContext ctx, String ns, String key, boolean withBody,
            io.vertx.core.AsyncResult<Lookup> ar) {
        if (ar.succeeded()) {
            respond(ctx, ns, key, ar.result(), withBody);
        } else if (ar.cause() instanceof ProblemException p) {
            problem(ctx, p);
        } else {
            Log.errorf(ar.cause(), "reading %s/%s failed", ns, key);
            problem(ctx, new ProblemException(500, "Internal error", "the read failed; see the log under "
                    + "request id " + ctx.response().headers().get(REQUEST_ID)));
        }
    }

    private void respond(RoutingContext ctx, String ns, String key, Lookup l, boolean withBody) {
        if (l == null) {
            problem(ctx, ProblemException.notFound("key '" + key + "' is not in namespace '" + ns + "'"));
            return;
        }
        Entry e = l.entry();
        HttpServerResponse r = ctx.response();
        long maxAge = Math.max(0, (e.expireAtMs() - System.currentTimeMillis()) / 1000);
        String etag = e.etag();
        r.putHeader(ETAG, etag).putHeader(CACHE_CONTROL, "max-age=" + maxAge).putHeader(X_CACHE, l.level().header());
        if (l.staleReason() != null) {
            r.putHeader(X_CACHE_STALE, l.staleReason());
        }
        String inm = ctx.request().getHeader("If-None-Match");
        if (inm != null && matches(inm, etag)) {
            r.setStatusCode(304).end();
            return;
        }
        r.putHeader(CONTENT_TYPE, e.contentType());
        if (withBody) {
            r.end(Buffer.buffer(e.value()));
        } else {
            r.putHeader(CONTENT_LENGTH, Integer.toString(e.value().length)).end();
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private void problem(RoutingContext ctx, ProblemException e) {
        Problems.write(ctx, mapper, e);
    }
}
