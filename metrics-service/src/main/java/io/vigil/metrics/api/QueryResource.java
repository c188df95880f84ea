package io.vigil.metrics.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.metrics.domain.Metric;
import io.vigil.metrics.domain.Step;
import io.vigil.metrics.domain.Window;
import io.vigil.metrics.store.Reports;
import io.vigil.metrics.store.RollupStore;
import io.vigil.metrics.store.Reports.Filter;

/** Queries over the merged histograms. Windows: {@code window=15m|1h|6h|24h|7d|30d} or ISO {@code from}/{@code to}. */
@Path("/api/v1/metrics")
@Tag(name = "query")
@Produces(MediaType.APPLICATION_JSON)
public class QueryResource {

    private final Reports reports;
    private final ObjectMapper mapper;
    private final RollupStore retention;

    public QueryResource(Reports reports, ObjectMapper mapper, RollupStore retention) {
        this.reports = reports;
        this.mapper = mapper;
        this.retention = retention;
    }

    @GET
    @Path("/endpoints")
    @RolesAllowed(Roles.READER)
    @Produces({ MediaType.APPLICATION_JSON, "text/csv" })
    @Operation(summary = "Per-endpoint table: count, throughput/min, 4xx and 5xx rates, p50/p90/p95/p99/max",
            description = "format=csv exports every row as CSV (no paging); JSON is paged with limit and cursor.")
    public Response endpoints(@QueryParam("window") String window, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("service") String service,
            @QueryParam("endpoint") String endpoint, @QueryParam("method") String method,
            @QueryParam("format") @DefaultValue("json") String format,
            @QueryParam("limit") @DefaultValue("100") int limit, @QueryParam("cursor") String cursor) {
        Window w = Window.parse(window, from, to, System.currentTimeMillis(), retention::retention);
        if (!format.equals("json") && !format.equals("csv")) {
            throw ProblemException.invalid("format", "must be json or csv");
        }
        List<EndpointStats> rows = reports.table(w, filter(service, endpoint, method));
        if (format.equals("csv")) {
            StringBuilder csv = new StringBuilder(EndpointStats.CSV_HEADER).append('\n');
            rows.forEach(r -> csv.append(r.csv()).append('\n'));
            return Response.ok(csv.toString(), "text/csv")
                    .header("Content-Disposition", "attachment; filename=\"endpoints.csv\"").build();
        }
        return Response.ok(Page.of(rows, limit, cursor, iso(w.from()), iso(w.to()), w.resolution().label()),
                MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/series")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "A time series of one metric (count, throughputPerMin, errorRate, error4xxRate, "
            + "error5xxRate, p50Ms, p90Ms, p95Ms, p99Ms, maxMs, meanMs, slowWarn, slowCritical) with a step "
            + "(10s, 1m, 5m, 15m, 1h, 6h, 1d)")
    public TimeSeries series(@QueryParam("metric") String metric, @QueryParam("step") String step,
            @QueryParam("window") String window, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("service") String service, @QueryParam("endpoint") String endpoint,
            @QueryParam("method") String method) {
        Metric m = Metric.parse("metric", metric, Metric.P95);
        Step s = Step.parse(step);
        Window w = Window.parse(window, from, to, System.currentTimeMillis(), retention::retention);
        s.check(w);
        return new TimeSeries(m.label(), s.label(), service, endpoint, method,
                reports.series(w, s, m, filter(service, endpoint, method)));
    }

    @GET
    @Path("/top-slow")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Slowest endpoints of a window, ranked by a metric (default p95Ms)")
    public List<EndpointStats> topSlow(@QueryParam("window") String window, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("service") String service,
            @QueryParam("by") String by, @QueryParam("limit") @DefaultValue("10") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalid("limit", "must be between 1 and 1000");
        }
        Window w = Window.parse(window, from, to, System.currentTimeMillis(), retention::retention);
        return reports.top(w, filter(service, null, null), Metric.parse("by", by, Metric.P95), limit);
    }

    @GET
    @Path("/slow-requests")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "The most recent individual requests above the slow threshold, with their details",
            description = "Newest first; a reservoir of the last vigil.metrics.slow.reservoir-size per service.")
    public List<SlowRequest> slowRequests(@QueryParam("service") String service,
            @QueryParam("endpoint") String endpoint,
            @Parameter(description = "warn or critical") @QueryParam("severity") String severity,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalid("limit", "must be between 1 and 1000");
        }
        if (severity != null && !severity.equals("warn") && !severity.equals("critical")) {
            throw ProblemException.invalid("severity", "must be warn or critical");
        }
        List<SlowRequest> out = new ArrayList<>();
        for (String json : reports.slowRequests(Optional.ofNullable(service), limit)) {
            SlowRequest r = read(json);
            if ((endpoint == null || endpoint.equals(r.endpoint()))
                    && (severity == null || severity.equals(r.severity()))) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing((SlowRequest r) -> Instant.parse(r.timestamp())).reversed());
        return out.subList(0, Math.min(limit, out.size()));
    }

    @GET
    @Path("/services")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Every service that sent samples")
    public List<String> services() {
        return reports.services();
    }

    @GET
    @Path("/services/{service}/summary")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One service over a window: totals, error rates, percentiles, slow counts, slowest endpoints")
    public ServiceSummary summary(@PathParam("service") String service, @QueryParam("window") String window,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        return reports.summary(Window.parse(window, from, to, System.currentTimeMillis(), retention::retention), service);
    }

    private static Filter filter(String service, String endpoint, String method) {
        return new Filter(Optional.ofNullable(service), Optional.ofNullable(endpoint), Optional.ofNullable(method));
    }

    private SlowRequest read(String json) {
        try {
            return mapper.readValue(json, SlowRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable slow-request entry", e);
        }
    }

    private static String iso(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString();
    }
}
