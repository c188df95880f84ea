package io.vigil.cache.api;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.cache.domain.Entry;
import io.vigil.cache.domain.Lookup;
import io.vigil.cache.domain.Names;
import io.vigil.cache.service.CacheService;
import io.vigil.common.http.RequestIds;
import io.vigil.common.problem.ProblemException;

/**
 * {@code GET} and {@code HEAD /api/v1/cache/{ns}/entries/{key}}: the value exactly as it was put, under its own
 * content type, with ETag / If-None-Match → 304, {@code Cache-Control: max-age} from the TTL left,
 * {@code X-Cache: L1|L2|LOAD|STALE}, and {@code X-Cache-Stale} with the reason when a value past its freshness (or
 * possibly behind an unreachable Redis) is served. On a miss the namespace's loader is called ({@code load=false}
 * disables that). A Vert.x route rather than JAX-RS: the JSON provider claims every body type a wildcard resource
 * produces (opaque bytes came out as base64 text), and this is the hot path. Access is checked by the
 * {@code quarkus.http.auth.permission.cache} policy (reader) before this handler runs.
 */
@ApplicationScoped
public class EntryRoute {

    private static final String PATH = "/api/v1/cache/:ns/entries/:key";

    private final CacheService cache;
    private final ObjectMapper mapper;

    public EntryRoute(CacheService cache, ObjectMapper mapper) {
        this.cache = cache;
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.get(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(ctx -> handle(ctx, true));
        router.head(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(ctx -> handle(ctx, false));
    }

    private void handle(RoutingContext ctx, boolean withBody) {
        String requestId = ctx.request().getHeader(RequestIds.HEADER);
        ctx.response().putHeader(RequestIds.HEADER, requestId != null && requestId.length() <= 128
                && requestId.matches("[A-Za-z0-9._:-]+") ? requestId : UUID.randomUUID().toString());
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
        // loads finish on a loader thread: answer on the request's own context
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        cache.get(ns, key, load).emitOn(run -> context.runOnContext(x -> run.run())).subscribe().with(l -> respond(ctx, ns, key, l, withBody), t -> {
            if (t instanceof ProblemException p) {
                problem(ctx, p);
            } else {
                Log.errorf(t, "reading %s/%s failed", ns, key);
                problem(ctx, new ProblemException(500, "Internal error", "the read failed; see the log under "
                        + "request id " + ctx.response().headers().get(RequestIds.HEADER)));
            }
        });
    }

    private void respond(RoutingContext ctx, String ns, String key, Lookup l, boolean withBody) {
        if (l == null) {
            problem(ctx, ProblemException.notFound("key '" + key + "' is not in namespace '" + ns + "'"));
            return;
        }
        Entry e = l.entry();
        HttpServerResponse r = ctx.response();
        long maxAge = Math.max(0, (e.expireAtMs() - System.currentTimeMillis()) / 1000);
        r.putHeader("ETag", e.etag()).putHeader("Cache-Control", "max-age=" + maxAge)
                .putHeader("X-Cache", l.level().name());
        if (l.staleReason() != null) {
            r.putHeader("X-Cache-Stale", l.staleReason());
        }
        String inm = ctx.request().getHeader("If-None-Match");
        if (inm != null && matches(inm, e.etag())) {
            r.setStatusCode(304).end();
            return;
        }
        r.putHeader("Content-Type", e.contentType());
        if (withBody) {
            r.end(Buffer.buffer(e.value()));
        } else {
            r.putHeader("Content-Length", Integer.toString(e.value().length)).end();
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
