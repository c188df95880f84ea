// Exports spans and a duration histogram to metrics-service with the OpenTelemetry JavaScript SDK over OTLP/HTTP
// protobuf (gzip), then prints the span durations it generated (ms) as JSON, for the test to compare percentiles.
// Usage: node export.mjs <base url> <writer key> <service> <spans>
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';

const [base, key, service, count] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${key}` };

const traces = new OTLPTraceExporter({ url: `${base}/v1/traces`, headers, compression: 'gzip' });
const tracer = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': service }),
  spanProcessors: [new BatchSpanProcessor(traces, { maxExportBatchSize: 512, maxQueueSize: 100000 })],
});
const endSec = Math.floor(Date.now() / 1000) - 5;
const durationsMs = [];
let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
for (let i = 0; i < Number(count); i++) {
  const nanos = Math.floor(1_000_000 + random() * 400_000_000); // 1–401 ms, integer ns so HrTime is exact
  durationsMs.push(nanos / 1e6);
  const span = tracer.getTracer('vigil-test').startSpan('GET /js/items/{id}', {
    kind: SpanKind.SERVER,
    startTime: [endSec - 1, 1_000_000_000 - nanos],
    attributes: { 'http.route': '/js/items/{id}', 'http.request.method': 'GET', 'http.response.status_code': 200 },
  });
  span.end([endSec, 0]);
}
await tracer.forceFlush();
await tracer.shutdown();

const metrics = new MeterProvider({
  resource: resourceFromAttributes({ 'service.name': `${service}-hist` }),
  readers: [new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics`, headers, compression: 'gzip' }),
    exportIntervalMillis: 3_600_000,
  })],
});
const histogram = metrics.getMeter('vigil-test').createHistogram('http.server.request.duration', { unit: 's' });
for (const ms of durationsMs) {
  histogram.record(ms / 1000, { 'http.route': '/js/hist', 'http.request.method': 'GET', 'http.response.status_code': 200 });
}
await metrics.forceFlush();
await metrics.shutdown();
console.log(JSON.stringify({ durationsMs }));
