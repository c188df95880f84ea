// queue-service console: queues with counts and throughput, jobs per state (paged), schedules, parked outbox records.
import {
  h, fill, api, tryApi, act, actionButton, start, refresh, section, table, pager, badge, json, dialog, field, sparkline, session,
  time, num, duration,
} from '/vigil-console/console.js';

const STATES = ['waiting', 'delayed', 'active', 'completed', 'dead', 'cancelled'];
const SPARK_POINTS = 30;
const throughput = new Map(); // queue -> completed/s over the last refreshes (the sparkline)
const view = { queue: null, state: 'dead', cursors: [null] }; // jobs section: queue, state, cursor stack (paging)

const q = (name) => encodeURIComponent(name);

/** At most `limit` requests in flight: 1,000 queues do not mean 1,000 parallel calls. */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]).catch(() => null);
    }
  }));
  return out;
}

async function render() {
  if (!session.role) {
    for (const id of ['queues', 'jobs', 'schedules', 'parked']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see the queues (every call needs at least the reader role).'));
    }
    return;
  }
  const { queues } = await api('/api/v1/queues');
  const stats = await mapLimit(queues, 8, (x) => api(`/api/v1/queues/${q(x.name)}/stats`));
  const rows = queues.map((x, i) => ({ name: x.name, settings: x.settings, stats: stats[i] }));
  for (const r of rows) {
    const series = throughput.get(r.name) || [];
    series.push(r.stats?.ratesPerSecond?.completed ?? 0);
    throughput.set(r.name, series.slice(-SPARK_POINTS));
  }
  if (!view.queue || !queues.some((x) => x.name === view.queue)) view.queue = queues[0]?.name || null;
  renderQueues(rows);
  await Promise.all([renderJobs(rows), renderSchedules(), renderParked()]);
}

function depth(r, s) {
  return r.stats?.depth?.[s];
}

function renderQueues(rows) {
  const columns = [
    { key: 'name', label: 'queue', cell: (r) => h('button', { type: 'button', class: 'link', dataset: { select: r.name },
      onclick: () => { selectQueue(r.name); } }, r.name) },
    { key: 'paused', label: 'state', value: (r) => (r.settings.paused ? 'paused' : 'running'),
      cell: (r) => badge(r.settings.paused ? 'paused' : 'running') },
    ...STATES.map((s) => ({ key: s, label: s, num: true, value: (r) => depth(r, s) })),
    { key: 'oldest', label: 'oldest waiting', num: true, value: (r) => r.stats?.oldestWaitingAgeMs,
      cell: (r) => duration(r.stats?.oldestWaitingAgeMs) },
    { key: 'rate', label: 'done/s', num: true, value: (r) => r.stats?.ratesPerSecond?.completed,
      cell: (r) => num(r.stats?.ratesPerSecond?.completed, 2) },
    { key: 'spark', label: 'throughput', sortable: false, cell: (r) => sparkline(throughput.get(r.name) || []) },
    { key: 'actions', label: '', sortable: false, cell: queueActions },
  ];
  fill(section('queues'), table('queues-table', columns, rows, {
    empty: 'no queues yet',
    rowAttrs: (r) => ({ dataset: { queue: r.name }, class: r.name === view.queue ? 'selected' : null }),
  }));
}

function queueActions(r) {
  const name = r.name;
  return h('span', { class: 'row' },
    r.settings.paused
      ? actionButton('admin', 'Resume', () => act(`resume ${name}`, () => api(`/api/v1/queues/${q(name)}/resume`, { method: 'POST' })), { dataset: { action: 'resume', role: 'admin' } })
      : actionButton('admin', 'Pause', () => act(`pause ${name}`, () => api(`/api/v1/queues/${q(name)}/pause`, { method: 'POST' })), { dataset: { action: 'pause', role: 'admin' } }),
    depth(r, 'dead') > 0
      ? actionButton('admin', 'Retry all dead', () => act(`retry all dead in ${name}`, () => api(`/api/v1/queues/${q(name)}/dead/retry`, { method: 'POST' })), { dataset: { action: 'retry-dead', role: 'admin' } })
      : null,
    actionButton('admin', 'Settings', () => settingsDialog(r), { dataset: { action: 'settings', role: 'admin' } }));
}

function selectQueue(name, state) {
  view.queue = name;
  if (state) view.state = state;
  view.cursors = [null];
  refresh();
}

async function renderJobs(rows) {
  const body = section('jobs');
  if (!view.queue) {
    fill(body, h('p', { class: 'muted' }, 'no queue selected'));
    return;
  }
  const cursor = view.cursors[view.cursors.length - 1];
  const page = await api(`/api/v1/queues/${q(view.queue)}/jobs?state=${view.state}&limit=25${cursor ? `&cursor=${q(cursor)}` : ''}`);
  const counts = rows.find((r) => r.name === view.queue)?.stats?.depth || {};
  const tabs = h('div', { class: 'toolbar', role: 'tablist' },
    h('label', {}, 'queue ', h('select', { id: 'jobs-queue', onchange: (e) => selectQueue(e.target.value) },
      rows.slice(0, 1000).map((r) => h('option', { value: r.name, selected: r.name === view.queue }, r.name)))),
    STATES.map((s) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(s === view.state),
      class: s === view.state ? 'current' : null, dataset: { state: s }, onclick: () => selectQueue(view.queue, s) },
    `${s} (${num(counts[s])})`)));
  const columns = [
    { key: 'id', label: 'job', cell: (j) => h('button', { type: 'button', class: 'link mono', dataset: { detail: j.id }, onclick: () => jobDialog(j) }, j.id) },
    { key: 'state', label: 'state', cell: (j) => badge(j.state) },
    { key: 'attempts', label: 'attempts', num: true, cell: (j) => `${j.attempts} / ${j.maxAttempts}` },
    { key: 'priority', label: 'pri', num: true },
    { key: 'enqueuedAt', label: 'enqueued', cell: (j) => time(j.enqueuedAt) },
    { key: 'finishedAt', label: 'finished', cell: (j) => time(j.finishedAt) },
    { key: 'lastError', label: 'last error', cell: (j) => h('span', { class: 'error-text', text: j.lastError || '–' }) },
    { key: 'payload', label: 'payload', sortable: false, cell: (j) => h('code', { class: 'payload', text: short(JSON.stringify(j.payload)) }) },
    { key: 'actions', label: '', sortable: false, cell: jobActions },
  ];
  const depthCount = counts[view.state];
  const pageNo = view.cursors.length;
  fill(body, tabs, table('jobs-table', columns, page.items, {
    pageSize: 25, empty: `no ${view.state} jobs in ${view.queue}`, rowAttrs: (j) => ({ dataset: { job: j.id, state: j.state } }),
  }), pager(`page ${pageNo}${depthCount !== undefined ? ` of ${Math.max(1, Math.ceil(depthCount / 25))}` : ''}`,
    pageNo > 1 ? () => { view.cursors.pop(); selectPage(); } : null,
    page.nextCursor ? () => { view.cursors.push(page.nextCursor); selectPage(); } : null));
}

function selectPage() {
  refresh();
}

function short(text, max = 80) {
  if (text === undefined) return '–';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function jobActions(j) {
  const base = `/api/v1/queues/${q(j.queue)}/jobs/${q(j.id)}`;
  return h('span', { class: 'row' },
    j.state === 'dead' ? actionButton('admin', 'Retry', () => act(`retry job ${j.id}`, () => api(`${base}/retry`, { method: 'POST' })), { dataset: { action: 'retry', role: 'admin' } }) : null,
    ['waiting', 'delayed', 'active'].includes(j.state) && !j.cancelRequested
      ? actionButton('writer', 'Cancel', () => act(`cancel job ${j.id}`, () => api(`${base}/cancel`, { method: 'POST' })), { dataset: { action: 'cancel', role: 'writer' } })
      : null);
}

function jobDialog(j) {
  const history = [
    ['enqueued', j.enqueuedAt], ['due', j.runAt], ['leased', j.leasedAt], ['lease deadline', j.leaseDeadline],
    [j.state, j.finishedAt],
  ].filter(([, at]) => at).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  dialog(`job ${j.id}`,
    h('p', {}, badge(j.state), ` attempt ${j.attempts} of ${j.maxAttempts} · priority ${j.priority}`,
      j.group ? ` · group ${j.group}` : '', j.idempotencyKey ? ` · idempotency key ${j.idempotencyKey}` : ''),
    h('h3', { text: 'history' }),
    h('ul', { class: 'timeline' }, history.map(([what, at]) => h('li', {}, h('strong', { text: what }), ` ${time(at)}`))),
    j.lastError ? [h('h3', { text: 'last error' }), json(j.lastError)] : null,
    h('h3', { text: 'payload' }), json(j.payload),
    j.result !== undefined ? [h('h3', { text: 'result' }), json(j.result)] : null,
    h('div', { class: 'row' }, jobActions(j)));
}

function settingsDialog(r) {
  const s = r.settings;
  const inputs = {
    maxAttempts: h('input', { type: 'number', min: 1, max: 100, value: s.maxAttempts }),
    backoff: h('select', {}, ['fixed', 'exponential'].map((b) => h('option', { value: b, selected: s.backoff === b }, b))),
    backoffBaseMs: h('input', { type: 'number', min: 0, value: s.backoffBaseMs }),
    backoffCapMs: h('input', { type: 'number', min: 0, value: s.backoffCapMs }),
    visibilityMs: h('input', { type: 'number', min: 100, value: s.visibilityMs }),
    rateMax: h('input', { type: 'number', min: 0, value: s.rateMax }),
    rateIntervalMs: h('input', { type: 'number', min: 1, value: s.rateIntervalMs }),
  };
  const d = dialog(`settings of ${r.name}`, h('form', { id: 'settings-form', onsubmit: async (e) => {
    e.preventDefault();
    const body = {};
    for (const [k, el] of Object.entries(inputs)) body[k] = k === 'backoff' ? el.value : Number(el.value);
    if (await act(`settings of ${r.name}`, () => api(`/api/v1/queues/${q(r.name)}`, { method: 'PUT', body })) !== undefined) d.close();
  } }, Object.entries(inputs).map(([k, el]) => field(k, el)),
  h('button', { type: 'submit', class: 'action', dataset: { role: 'admin' } }, 'Save')));
}

async function renderSchedules() {
  if (!view.queue) return fill(section('schedules'));
  const list = await api(`/api/v1/queues/${q(view.queue)}/schedules`);
  return fill(section('schedules'), h('p', { class: 'muted' }, `queue ${view.queue}`), table('schedules-table', [
    { key: 'name', label: 'name' },
    { key: 'when', label: 'when', value: (s) => s.cron || `every ${duration(s.everyMs)}` },
    { key: 'nextRunMs', label: 'next run', value: (s) => s.nextRunMs, cell: (s) => time(s.nextRunMs ? new Date(s.nextRunMs).toISOString() : null) },
    { key: 'lastJob', label: 'last job' },
    { key: 'payload', label: 'payload', sortable: false, cell: (s) => h('code', { text: short(s.payload || '') }) },
  ], list, { empty: 'no recurring jobs' }));
}

async function renderParked() {
  const body = section('parked');
  if (!view.queue) return fill(body);
  if (!session.can('admin')) {
    return fill(body, h('p', { class: 'muted' }, 'Parked outbox records are shown to admin keys only.'));
  }
  const parked = await tryApi(`/api/v1/queues/${q(view.queue)}/outbox/parked?limit=100`);
  const records = parked?.records || [];
  return fill(body, h('div', { class: 'toolbar' }, h('span', { class: 'muted', text: `queue ${view.queue}: ${records.length} parked` }),
    records.length ? actionButton('admin', 'Archive again', () => act('retry parked records', () => api(`/api/v1/queues/${q(view.queue)}/outbox/parked/retry`, { method: 'POST' })), { dataset: { action: 'retry-parked', role: 'admin' } }) : null),
  table('parked-table', [
    { key: 'at', label: 'parked at', value: (p) => p.at, cell: (p) => time(p.at) },
    { key: 'error', label: 'error', value: (p) => p.error },
    { key: 'record', label: 'record', sortable: false, cell: (p) => json(p.record ?? p) },
  ], records, { empty: 'nothing parked' }));
}

start({
  title: 'queue-service',
  service: 'queue-service',
  sections: [
    { id: 'queues', label: 'Queues' },
    { id: 'jobs', label: 'Jobs' },
    { id: 'schedules', label: 'Recurring jobs' },
    { id: 'parked', label: 'Parked outbox records' },
  ],
  onRender: render,
});
