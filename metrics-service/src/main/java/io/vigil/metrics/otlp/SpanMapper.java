package io.vigil.metrics.otlp;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.vigil.common.problem.Problem.FieldError;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SampleParser;

/**
 * Spans → request timings, exactly one sample per span, validated like any JSON sample ({@link SampleParser}):
 * <ul>
 * <li>SERVER and CONSUMER spans are requests of the resource's {@code service.name}: endpoint = {@code http.route},
 * else the span name (never {@code url.path}: raw paths with ids would blow the cardinality cap); method =
 * {@code http.request.method} / {@code http.method}; status = {@code http.response.status_code} /
 * {@code http.status_code}, else 500 for span status ERROR and 200 otherwise; duration = end − start; time = end.</li>
 * <li>CLIENT spans are dependency timings, recorded as the series of a dependency service named
 * {@code <service>>db:<db.system>} (endpoint = operation and collection) or {@code <service>>http:<server.address>}
 * (endpoint = {@code url.template} / {@code http.route} / span name), so they are queried, alerted on and exported
 * exactly like endpoints.</li>
 * <li>INTERNAL and PRODUCER spans carry no request timing and are skipped (not rejected).</li>
 * </ul>
 */
@ApplicationScoped
public class SpanMapper {

    /** The separator between a service and the dependency it calls, in a dependency series' service name. */
    public static final String DEPENDENCY = ">";

    /** One database statement with its timing, kept among a service's slowest. */
    public record Statement(String service, String dependency, String operation, String text, double durationMs,
            long timeMs, String traceId) {
    }

    /** What a request's spans became. */
    public record Mapped(List<Sample> samples, List<Statement> statements, Set<String> services, int rejected,
            Set<String> reasons) {
    }

    private final SampleParser parser;
    private final int statementMax;

    public SpanMapper(SampleParser parser, OtlpConfig config) {
        this.parser = parser;
        this.statementMax = config.statementMaxLength();
    }

    public Mapped map(ExportTraceServiceRequest request, long nowMs) {
        List<Sample> samples = new ArrayList<>();
        List<Statement> statements = new ArrayList<>();
        Set<String> services = new LinkedHashSet<>();
        Set<String> reasons = new LinkedHashSet<>();
        int rejected = 0;
        List<FieldError> errors = new ArrayList<>(2);
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String service = Attributes.string(rs.getResource().getAttributesList(), "service.name");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    Span.SpanKind kind = span.getKind();
                    if (kind != Span.SpanKind.SPAN_KIND_SERVER && kind != Span.SpanKind.SPAN_KIND_CONSUMER
                            && kind != Span.SpanKind.SPAN_KIND_CLIENT) {
                        continue;
                    }
                    String problem = invalid(span, service);
                    if (problem != null) {
                        rejected++;
                        reasons.add(problem);
                        continue;
                    }
                    SampleParser.Raw raw = kind == Span.SpanKind.SPAN_KIND_CLIENT ? client(span, service)
                            : request(span, service);
                    raw.durationMs = (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6;
                    raw.timestamp = span.getEndTimeUnixNano() / 1_000_000;
                    errors.clear();
                    Sample sample = parser.parse(raw, "span.", nowMs, errors);
                    if (sample == null) {
                        rejected++;
                        FieldError e = errors.get(0);
                        reasons.add(e.field() + " " + e.message());
                        continue;
                    }
                    samples.add(sample);
                    services.add(service);
                    String text = Attributes.string(span.getAttributesList(), "db.query.text", "db.statement");
                    if (text != null && kind == Span.SpanKind.SPAN_KIND_CLIENT) {
                        statements.add(new Statement(service, sample.service(), sample.endpoint(),
                                text.length() > statementMax ? text.substring(0, statementMax) + "…" : text,
                                sample.durationMs(), sample.timestampMs(), HexFormat.of().formatHex(
                                        span.getTraceId().toByteArray())));
                    }
                }
            }
        }
        return new Mapped(samples, statements, services, rejected, reasons);
    }

    private static String invalid(Span span, String service) {
        if (service == null) {
            return "resource without service.name";
        }
        if (span.getTraceId().size() != 16) {
            return "traceId must be 16 bytes (32 hex digits), was " + span.getTraceId().size();
        }
        if (span.getSpanId().size() != 8) {
            return "spanId must be 8 bytes (16 hex digits), was " + span.getSpanId().size();
        }
        if (span.getStartTimeUnixNano() <= 0 || span.getEndTimeUnixNano() <= 0) {
            return "startTimeUnixNano and endTimeUnixNano must be set";
        }
        // fixed64 read as a signed long: compare unsigned, so a negative duration is not mistaken for a huge one
        if (Long.compareUnsigned(span.getEndTimeUnixNano(), span.getStartTimeUnixNano()) < 0) {
            return "negative duration: endTimeUnixNano is before startTimeUnixNano";
        }
        return null;
    }

    /** A SERVER or CONSUMER span: a request of the service itself. */
    private static SampleParser.Raw request(Span span, String service) {
        List<KeyValue> a = span.getAttributesList();
        SampleParser.Raw raw = new SampleParser.Raw();
        raw.service = service;
        String route = Attributes.string(a, "http.route");
        raw.endpoint = route != null ? route : span.getName();
        String method = Attributes.string(a, "http.request.method", "http.method");
        if (method == null) {
            method = span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER ? "CONSUME"
                    : Attributes.find(a, "rpc.system") != null ? "RPC" : "OTHER";
        }
        raw.method = method(method);
        raw.status = status(span, a);
        return raw;
    }

    /** A CLIENT span: a timing of the dependency it called, under {@code <service>>db:<system>} or {@code >http:}. */
    private static SampleParser.Raw client(Span span, String service) {
        List<KeyValue> a = span.getAttributesList();
        SampleParser.Raw raw = new SampleParser.Raw();
        String db = Attributes.string(a, "db.system.name", "db.system");
        if (db != null) {
            raw.service = service + DEPENDENCY + "db:" + db;
            String operation = Attributes.string(a, "db.operation.name", "db.operation");
            String collection = Attributes.string(a, "db.collection.name", "db.mongodb.collection", "db.sql.table");
            raw.endpoint = operation == null ? span.getName()
                    : collection == null ? operation : operation + " " + collection;
            raw.method = "DB";
        } else {
            String peer = Attributes.string(a, "server.address", "net.peer.name", "peer.service");
            if (peer == null) {
                peer = host(Attributes.string(a, "url.full", "http.url"));
            }
            if (peer == null) {
                peer = Attributes.string(a, "network.peer.address", "net.sock.peer.addr");
            }
            String kindOfPeer = Attributes.find(a, "rpc.system") != null ? "rpc:" : "http:";
            raw.service = service + DEPENDENCY + kindOfPeer + (peer == null ? "unknown" : peer);
            String route = Attributes.string(a, "url.template", "http.route");
            raw.endpoint = route != null ? route : span.getName();
            String method = Attributes.string(a, "http.request.method", "http.method");
            raw.method = method(method != null ? method : kindOfPeer.equals("rpc:") ? "RPC" : "OTHER");
        }
        raw.status = status(span, a);
        return raw;
    }

    /** The host of a URL (some instrumentations set only {@code url.full}), or null. */
    private static String host(String url) {
        if (url == null) {
            return null;
        }
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Semantic conventions send "_OTHER" for methods they do not know; Vigil's methods are letters. */
    private static String method(String method) {
        return method.equals("_OTHER") ? "OTHER" : method.toUpperCase(Locale.ROOT);
    }

    private static Object status(Span span, List<KeyValue> a) {
        Long code = Attributes.integer(a, "http.response.status_code", "http.status_code");
        if (code != null) {
            return code;
        }
        return span.getStatus().getCode() == StatusCode.STATUS_CODE_ERROR ? 500L : 200L;
    }
}
