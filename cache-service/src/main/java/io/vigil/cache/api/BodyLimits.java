package io.vigil.cache.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.common.problem.ProblemException;

/**
 * Request bodies that fit the heap, refused before a byte is buffered: a declared {@code Content-Length} over the
 * limit answers 413 problem+json naming it. A single value's PUT may carry {@code max-value-bytes}; any other body
 * (bulk put, warm) at most {@link #bulkLimit()}: {@code max-value-bytes × max-batch} (base64 adds a third), but never
 * more than an eighth of the heap, since a JSON body is parsed into a tree several times its size, nor more than
 * {@code quarkus.http.limits.max-body-size} (16M), above which Quarkus answers a plain 413 itself and which also cuts
 * a chunked body without a length.
 */
@ApplicationScoped
public class BodyLimits {

    private final ObjectMapper mapper;
    private final long valueLimit;
    private final long bulkLimit;

    public BodyLimits(ObjectMapper mapper, CacheServiceConfig config) {
        this.mapper = mapper;
        this.valueLimit = config.maxValueBytes();
        long wanted = (long) config.maxValueBytes() * config.maxBatch() / 3 * 4 + 65_536;
        // Quarkus refuses a body over its own limit first (a plain 413): ours stays within it
        long backstop = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size",
                MemorySize.class).map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
        this.bulkLimit = Math.max(valueLimit, Math.min(backstop, Math.min(wanted, config.maxBodyBytes()
                .orElse(Runtime.getRuntime().maxMemory() / 8))));
    }

    public long bulkLimit() {
        return bulkLimit;
    }

    void register(@Observes Router router) {
        router.route("/api/v1/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            boolean single = ctx.request().method() == HttpMethod.PUT && ctx.request().path().contains("/entries/");
            long limit = single ? valueLimit : bulkLimit;
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > limit) {
                ctx.response().putHeader("Connection", "close");
                Problems.write(ctx, mapper, new ProblemException(413, "Payload too large", "the body of "
                        + declared + " bytes exceeds the limit of " + limit + " bytes for this request ("
                        + (single ? "vigil.cache.max-value-bytes" : "bulk bodies: max-value-bytes × max-batch, "
                                + "capped to fit the heap; split the batch") + ")"));
                return;
            }
        }
        ctx.next();
    }
}
