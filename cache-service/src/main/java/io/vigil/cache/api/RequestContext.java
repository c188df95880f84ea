package io.vigil.cache.api;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * Completes a hot route's Redis or load future on the request's own Vert.x context: a reply that already arrives there
 * (an L2 hit, a decision) is answered at once, with no extra event-loop task; one finishing elsewhere (a load on a
 * loader thread) is handed back to the request's context first.
 */
final class RequestContext {

    private RequestContext() {
    }

    static <T> void whenDone(RoutingContext ctx, Future<T> future, Handler<AsyncResult<T>> then) {
        Context context = ctx.vertx().getOrCreateContext();
        future.onComplete(ar -> {
            if (context == Vertx.currentContext()) {
                then.handle(ar);
            } else {
                context.runOnContext(x -> then.handle(ar));
            }
        });
    }
}
