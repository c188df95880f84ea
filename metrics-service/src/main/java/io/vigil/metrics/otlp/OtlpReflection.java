package io.vigil.metrics.otlp;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Native images: protobuf-java reaches the generated OTLP messages and their builders (nested classes, included) by
 * reflection, for JSON (JsonFormat) and for field access; JVM builds need nothing of this.
 */
@RegisterForReflection(targets = {
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.class,
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse.class,
        io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess.class,
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.class,
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.class,
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess.class,
        io.opentelemetry.proto.resource.v1.Resource.class,
        io.opentelemetry.proto.common.v1.KeyValue.class,
        io.opentelemetry.proto.common.v1.AnyValue.class,
        io.opentelemetry.proto.common.v1.ArrayValue.class,
        io.opentelemetry.proto.common.v1.KeyValueList.class,
        io.opentelemetry.proto.common.v1.InstrumentationScope.class,
        io.opentelemetry.proto.trace.v1.ResourceSpans.class,
        io.opentelemetry.proto.trace.v1.ScopeSpans.class,
        io.opentelemetry.proto.trace.v1.Span.class,
        io.opentelemetry.proto.trace.v1.Status.class,
        io.opentelemetry.proto.metrics.v1.ResourceMetrics.class,
        io.opentelemetry.proto.metrics.v1.ScopeMetrics.class,
        io.opentelemetry.proto.metrics.v1.Metric.class,
        io.opentelemetry.proto.metrics.v1.Gauge.class,
        io.opentelemetry.proto.metrics.v1.Sum.class,
        io.opentelemetry.proto.metrics.v1.Histogram.class,
        io.opentelemetry.proto.metrics.v1.ExponentialHistogram.class,
        io.opentelemetry.proto.metrics.v1.Summary.class,
        io.opentelemetry.proto.metrics.v1.NumberDataPoint.class,
        io.opentelemetry.proto.metrics.v1.HistogramDataPoint.class,
        io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.class,
        io.opentelemetry.proto.metrics.v1.SummaryDataPoint.class,
        io.opentelemetry.proto.metrics.v1.Exemplar.class,
        com.google.rpc.Status.class })
final class OtlpReflection {

    private OtlpReflection() {
    }
}
