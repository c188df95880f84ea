package io.vigil.cache.api;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.vigil.cache.service.RedisUnavailable;
import io.vigil.cache.service.RetryLater;
import io.vigil.cache.store.RedisTimeout;
import io.vigil.common.problem.Problem;

/**
 * A Redis call of a JAX-RS endpoint that timed out (the request path's {@link RedisTimeout}, or the blocking client's
 * {@code quarkus.redis.timeout}) is a 503 with Retry-After whose detail says the outcome is unknown, not a 500.
 */
public class RedisTimeoutMapper {

    @ServerExceptionMapper({ RedisTimeout.class, io.smallrye.mutiny.TimeoutException.class })
    public Response timeout(RuntimeException e) {
        RetryLater p = (RetryLater) RedisUnavailable.problem(e);
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", p.retryAfterSeconds())
                .entity(new Problem(java.net.URI.create("about:blank"), p.title(), 503, p.getMessage(), null,
                        p.errors())).build();
    }
}
