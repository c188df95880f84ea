package io.vigil.cache.api;

import java.net.URI;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vigil.cache.service.RetryLater;
import io.vigil.common.problem.Problem;
import io.vigil.common.problem.ProblemException;

/** Writes a problem+json answer from a Vert.x route (JAX-RS endpoints get theirs from vigil-common's mapper). */
final class Problems {

    private Problems() {
    }

    static void write(RoutingContext ctx, ObjectMapper mapper, ProblemException e) {
        if (e instanceof RetryLater o) {
            ctx.response().putHeader("Retry-After", Long.toString(o.retryAfterSeconds()));
        }
        Problem p = new Problem(URI.create("about:blank"), e.title(), e.status(), e.getMessage(), ctx.request().path(),
                e.errors());
        try {
            ctx.response().setStatusCode(e.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(mapper.writeValueAsBytes(p)));
        } catch (Exception write) {
            ctx.response().setStatusCode(e.status()).end();
        }
    }
}
