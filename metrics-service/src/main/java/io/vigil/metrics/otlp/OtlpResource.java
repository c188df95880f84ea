package io.vigil.metrics.otlp;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.metrics.api.CustomMetric;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.store.CustomMetricStore;
import io.vigil.metrics.store.IngestMeters;

/**
 * OTLP/HTTP receiver (the OpenTelemetry protocol's HTTP transport) on metrics-service's port: {@code POST /v1/traces}
 * and {@code POST /v1/metrics}, binary protobuf or JSON, optionally gzip. Decoding runs on a worker thread, never on
 * the event loop. The answer is sent once the timings are in Redis, like {@code POST /api/v1/samples}.
 */
@Path("/")
@Tag(name = "OpenTelemetry (OTLP/HTTP)")
public class OtlpResource {

    /** The flush completes on the flusher thread: the rest of an answer (Redis writes) runs on a worker instead. */
    private static final java.util.concurrent.Executor WORKERS = io.smallrye.mutiny.infrastructure.Infrastructure
            .getDefaultWorkerPool();

    private final OtlpConfig config;
    private final SpanMapper spans;
    private final MetricMapper metrics;
    private final OtlpIngest ingest;
    private final SlowStatements statements;
    private final CustomMetricStore custom;
    private final IngestMeters meters;

    public OtlpResource(OtlpConfig config, SpanMapper spans, MetricMapper metrics, OtlpIngest ingest,
            SlowStatements statements, CustomMetricStore custom, IngestMeters meters) {
        this.config = config;
        this.spans = spans;
        this.metrics = metrics;
        this.ingest = ingest;
        this.statements = statements;
        this.custom = custom;
        this.meters = meters;
    }

    @POST
    @Path("v1/traces")
    @Blocking
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "OTLP/HTTP trace export (ExportTraceServiceRequest, protobuf or JSON, gzip allowed)",
            description = "SERVER and CONSUMER spans become request timings, CLIENT spans dependency timings "
                    + "(see metrics-service's README). Invalid spans are counted in partialSuccess.rejectedSpans.")
    @APIResponse(responseCode = "200", description = "ExportTraceServiceResponse, in the request's encoding")
    @APIResponse(responseCode = "400", description = "Undecodable body (google.rpc.Status or problem+json)")
    @APIResponse(responseCode = "413", description = "Body, or body after gzip, above its cap")
    @APIResponse(responseCode = "429", description = "Ingest backlog full; retry after Retry-After")
    @APIResponse(responseCode = "503", description = "Redis unavailable; retry after Retry-After")
    public Uni<Response> traces(InputStream body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding) {
        return handle(contentType, "/v1/traces", codec -> {
            ingest.admit(0);
            ExportTraceServiceRequest request = codec.decode(read(body, encoding),
                    ExportTraceServiceRequest.newBuilder()).build();
            SpanMapper.Mapped mapped = spans.map(request, System.currentTimeMillis());
            List<String> notes = new ArrayList<>(mapped.reasons());
            int folded = ingest.folded(mapped.samples());
            if (folded > 0) {
                notes.add(folded + " spans of series over the cardinality cap were counted under endpoint=\"other\" "
                        + "(or method=\"OTHER\"); send http.route templates, not raw paths");
            }
            meters.samples("otlp", "rejected").increment(mapped.rejected());
            return Uni.createFrom().completionStage(ingest.record(mapped.samples(), null)).emitOn(WORKERS).map(done -> {
                meters.samples("otlp", "accepted").increment(mapped.samples().size());
                ingest.markSpans(mapped.services());
                statements.add(mapped.statements());
                ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
                if (mapped.rejected() > 0 || !notes.isEmpty()) {
                    answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                            .setRejectedSpans(mapped.rejected()).setErrorMessage(message(notes)));
                }
                return codec.ok(answer.build());
            });
        });
    }

    @POST
    @Path("v1/metrics")
    @Blocking
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "OTLP/HTTP metrics export (ExportMetricsServiceRequest, protobuf or JSON, gzip allowed)",
            description = "Request-duration histograms merge into the endpoint series (unless the service sends "
                    + "spans), gauges and sums become custom metrics (see metrics-service's README).")
    @APIResponse(responseCode = "200", description = "ExportMetricsServiceResponse, in the request's encoding")
    @APIResponse(responseCode = "400", description = "Undecodable body (google.rpc.Status or problem+json)")
    @APIResponse(responseCode = "413", description = "Body, or body after gzip, above its cap")
    @APIResponse(responseCode = "429", description = "Ingest backlog full; retry after Retry-After")
    @APIResponse(responseCode = "503", description = "Redis unavailable; retry after Retry-After")
    public Uni<Response> metrics(InputStream body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding) {
        return handle(contentType, "/v1/metrics", codec -> {
            ingest.admit(0);
            ExportMetricsServiceRequest request = codec.decode(read(body, encoding),
                    ExportMetricsServiceRequest.newBuilder()).build();
            MetricMapper.Mapped mapped = metrics.map(request, System.currentTimeMillis(), ingest::sendsSpans);
            List<String> notes = new ArrayList<>(mapped.reasons());
            int rejected = mapped.rejected() + storeCustom(mapped.custom(), notes);
            if (mapped.spansWin() > 0) {
                notes.add(mapped.spansWin() + " duration histogram points ignored: their services send spans, "
                        + "which are exact and already counted");
            }
            long[] times = mapped.times().stream().mapToLong(Long::longValue).toArray();
            return Uni.createFrom().completionStage(ingest.record(mapped.samples(), times)).emitOn(WORKERS).map(done -> {
                Map<String, Map<String, String>> sources = new HashMap<>();
                mapped.sources().forEach((key, how) -> {
                    String[] parts = key.split("\\|", 2);
                    sources.computeIfAbsent(parts[0], s -> new HashMap<>()).put(parts[1], how);
                });
                sources.forEach(ingest::markSources);
                ExportMetricsServiceResponse.Builder answer = ExportMetricsServiceResponse.newBuilder();
                if (rejected > 0 || !notes.isEmpty()) {
                    answer.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                            .setRejectedDataPoints(rejected).setErrorMessage(message(notes)));
                }
                return codec.ok(answer.build());
            });
        });
    }

    @GET
    @Path("api/v1/otlp/slow-statements")
    @RolesAllowed(Roles.READER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Slowest database statements of a service (from its CLIENT spans with db.system)")
    public List<SlowStatements.Entry> slowStatements(@QueryParam("service") String service) {
        return statements.list(required(service));
    }

    @GET
    @Path("api/v1/otlp/estimates")
    @RolesAllowed(Roles.READER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Series of a service measured by OTLP histograms (estimates), and how: endpoint|method → source",
            description = "Series fed by spans or JSON samples are exact and not listed.")
    public Map<String, String> estimates(@QueryParam("service") String service) {
        return ingest.sources(required(service));
    }

    private static String required(String service) {
        if (service == null || service.isBlank()) {
            throw ProblemException.invalid("service", "must not be blank");
        }
        return service;
    }

    /** Custom metrics one name at a time: a name used with another type rejects its points, not the request. */
    private int storeCustom(List<CustomMetric> updates, List<String> notes) {
        Map<String, List<CustomMetric>> byName = new HashMap<>();
        updates.forEach(u -> byName.computeIfAbsent(u.name(), n -> new ArrayList<>()).add(u));
        int rejected = 0;
        for (List<CustomMetric> group : byName.values()) {
            try {
                custom.apply(group);
            } catch (ProblemException e) {
                rejected += group.size();
                notes.add(group.get(0).name() + ": " + e.getMessage());
            }
        }
        return rejected;
    }

    private byte[] read(InputStream body, String encoding) {
        return OtlpBody.read(body, encoding, config.maxBodySize().asLongValue(),
                config.maxDecompressedSize().asLongValue());
    }

    private static String message(List<String> notes) {
        return String.join("; ", notes.size() > 5 ? notes.subList(0, 5) : notes);
    }

    /** Runs an export; refusals answer in the client's encoding, with Retry-After where a retry helps. */
    private Uni<Response> handle(String contentType, String path, Function<OtlpCodec, Uni<Response>> export) {
        OtlpCodec codec;
        try {
            codec = OtlpCodec.of(contentType);
        } catch (OtlpException e) {
            return Uni.createFrom().item(OtlpCodec.JSON.error(e.status, e.title, e.getMessage(), path, Map.of()));
        }
        Uni<Response> answer;
        try {
            answer = export.apply(codec);
        } catch (RuntimeException e) {
            answer = Uni.createFrom().failure(e);
        }
        return answer.onFailure().recoverWithItem(e -> refusal(codec, path, e));
    }

    private Response refusal(OtlpCodec codec, String path, Throwable e) {
        if (e instanceof OtlpException o) {
            Map<String, String> headers = o.status == 429 || o.status == 503
                    ? Map.of("Retry-After", Long.toString(Math.max(1, config.retryAfter().toSeconds())))
                    : Map.of();
            return codec.error(o.status, o.title, o.getMessage(), path, headers);
        }
        if (e instanceof ProblemException p) {
            return codec.error(p.status(), p.title(), p.getMessage(), path, Map.of());
        }
        // The flush failed (Redis down or refusing): nothing of this export can be relied on; the exporter retries.
        Log.warnf("OTLP export to %s not stored: %s", path, e.getMessage());
        return codec.error(503, "Service Unavailable", "the export could not be stored (" + e.getMessage()
                + "); retry", path, Map.of("Retry-After", Long.toString(Math.max(1, config.retryAfter().toSeconds()))));
    }
}
