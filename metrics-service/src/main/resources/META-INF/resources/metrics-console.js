// metrics-service console: services → endpoints (p50, p95, p99, error rate, throughput) over a window, sortable; an
// endpoint's latency percentiles over time (uPlot); the slowest recent requests; the table as CSV.
import {
  h, fill, api, start, section, table, badge, session, time, num, pct, duration, chart, refresh, showProblem,
} from '/vigil-console/console.js';

const WINDOWS = { '15m': '10s', '1h': '1m', '6h': '5m', '24h': '15m', '7d': '1h', '30d': '6h' };
const view = { window: '1h', service: '', endpoint: null };
const enc = encodeURIComponent;

async function render() {
  if (!session.role) {
    for (const id of ['endpoints', 'chart', 'slow']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see latencies (every call needs at least the reader role).'));
    }
    return;
  }
  const query = `window=${view.window}${view.service ? `&service=${enc(view.service)}` : ''}`;
  const [services, rows, slow] = await Promise.all([
    api('/api/v1/metrics/services'), allEndpoints(query),
    api(`/api/v1/metrics/slow-requests?limit=50${view.service ? `&service=${enc(view.service)}` : ''}`),
  ]);
  renderEndpoints(services, rows, query);
  await renderChart();
  renderSlow(slow);
}

/** Every row of the window (200 endpoints are a few pages of 1,000 at most). */
async function allEndpoints(query) {
  const rows = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) {
    const page = await api(`/api/v1/metrics/endpoints?${query}&limit=1000${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    rows.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return rows;
}

function renderEndpoints(services, rows, query) {
  const controls = h('div', { class: 'toolbar' },
    h('label', {}, 'window ', h('select', { id: 'window', onchange: (e) => { view.window = e.target.value; refresh(); } },
      Object.keys(WINDOWS).map((w) => h('option', { value: w, selected: w === view.window }, w)))),
    h('label', {}, 'service ', h('select', { id: 'service', onchange: (e) => { view.service = e.target.value; refresh(); } },
      h('option', { value: '' }, 'all'), services.map((s) => h('option', { value: s, selected: s === view.service }, s)))),
    h('button', { type: 'button', id: 'csv', onclick: () => downloadCsv(query) }, 'Download CSV'));
  fill(section('endpoints'), controls, table('endpoints-table', [
    { key: 'service', label: 'service' },
    { key: 'endpoint', label: 'endpoint', cell: (r) => h('button', { type: 'button', class: 'link', dataset: { chart: key(r) },
      onclick: () => { view.endpoint = { service: r.service, endpoint: r.endpoint, method: r.method }; refresh(); } }, r.endpoint) },
    { key: 'method', label: 'method' },
    { key: 'count', label: 'requests', num: true },
    { key: 'throughputPerMin', label: 'req/min', num: true, cell: (r) => num(r.throughputPerMin, 1) },
    { key: 'errorRate', label: 'errors', num: true, cell: (r) => pct(r.errorRate) },
    { key: 'p50Ms', label: 'p50', num: true, cell: (r) => duration(r.p50Ms) },
    { key: 'p95Ms', label: 'p95', num: true, cell: (r) => duration(r.p95Ms) },
    { key: 'p99Ms', label: 'p99', num: true, cell: (r) => duration(r.p99Ms) },
    { key: 'slowCritical', label: 'slow (crit)', num: true },
  ], rows, { pageSize: 50, empty: `no requests in the last ${view.window}`,
    rowAttrs: (r) => ({ dataset: { endpoint: key(r) }, class: view.endpoint && key(view.endpoint) === key(r) ? 'selected' : null }) }));
}

function key(r) {
  return `${r.service} ${r.method} ${r.endpoint}`;
}

async function downloadCsv(query) {
  try {
    const text = await api(`/api/v1/metrics/endpoints?${query}&format=csv`, { accept: 'text/csv' });
    const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: `endpoints-${view.window}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) {
    showProblem(e);
  }
}

async function renderChart() {
  const body = section('chart');
  if (!view.endpoint) {
    fill(body, h('p', { class: 'muted' }, 'Pick an endpoint in the table to chart its percentiles.'));
    return;
  }
  const e = view.endpoint;
  const q = `window=${view.window}&step=${WINDOWS[view.window]}&service=${enc(e.service)}&endpoint=${enc(e.endpoint)}&method=${enc(e.method)}`;
  const series = await Promise.all(['p50Ms', 'p95Ms', 'p99Ms'].map((m) => api(`/api/v1/metrics/series?metric=${m}&${q}`)));
  const xs = series[0].points.map((p) => Date.parse(p.time) / 1000);
  const values = series.map((s) => s.points.map((p) => (p.count ? p.value : null)));
  fill(body, h('p', {}, h('strong', { text: key(e) }), ` · ${view.window}, one point per ${WINDOWS[view.window]}`),
    chart([{ label: 'p50', values: values[0] }, { label: 'p95', values: values[1] }, { label: 'p99', values: values[2] }], xs, { unit: ' ms', id: 'latency-chart' }));
}

function renderSlow(slow) {
  fill(section('slow'), table('slow-table', [
    { key: 'timestamp', label: 'at', cell: (r) => time(r.timestamp) },
    { key: 'severity', label: 'severity', cell: (r) => badge(r.severity, r.severity === 'critical' ? 'critical' : 'warning') },
    { key: 'service', label: 'service' },
    { key: 'method', label: 'method' },
    { key: 'endpoint', label: 'endpoint' },
    { key: 'status', label: 'status', num: true },
    { key: 'durationMs', label: 'duration', num: true, cell: (r) => duration(r.durationMs) },
    { key: 'instance', label: 'instance' },
  ], slow, { empty: 'no slow requests recorded' }));
}

start({
  title: 'metrics-service',
  service: 'metrics-service',
  sections: [
    { id: 'endpoints', label: 'Endpoints' },
    { id: 'chart', label: 'Latency over time' },
    { id: 'slow', label: 'Slowest requests' },
  ],
  onRender: render,
});
