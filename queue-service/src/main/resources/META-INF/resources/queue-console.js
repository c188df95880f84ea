// queue-service console: queues with counts and throughput (paged: one API call per page of queues), jobs per state (paged), schedules, parked outbox records.
import {
  h, fill, api, tryApi, act, actionButton, start, refresh, section, table, pager, badge, json, dialog, field, sparkline, session,
  time, num, duration,
} from '/vigil-console/console.js';

const STATES = ['waiting', 'delayed', 'active', 'completed', 'dead', 'cancelled'];
const SPARK_POINTS = 30;
const throughput = new Map(); // queue -> completed/s over the last refreshes (the sparkline)
const view = { queue: null, state: 'dead', cursors: [null] }; // jobs section: queue, state, cursor stack (paging)

const q = (name) => encodeURIComponent(name);
// Queues per page (?perPage= for a smaller page): the queue table reads one page per refresh in one call
// (GET /api/v1/queues?limit=&cursor=), so 1,000 queues cost what 50 do.
const PER_PAGE = Math.min(1000, Number(new URLSearchParams(location.search).get('perPage')) || 50);
const queuePage = { cursors: [null], prefix: '' }; // queue table: cursor stack (paging) and name filter
// One filter field for the page's lifetime: re-rendering must not drop what the user is typing.
const filter = h('input', { type: 'search', id: 'queues-filter', placeholder: 'name starts with…', 'aria-label': 'filter queues by name prefix',
  onchange: (e) => { queuePage.prefix = e.target.value.trim(); queuePage.cursors = [null]; refresh(); } });

async function render() {
  if (!session.role) {
    for (const id of ['queues', 'jobs', 'schedules', 'parked']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see the queues (every call needs at least the reader role).'));
    }
    return;
  }
  const cursor = queuePage.cursors[queuePage.cursors.length - 1];
  const page = await api(`/api/v1/queues?limit=${PER_PAGE}${queuePage.prefix ? `&prefix=${q(queuePage.prefix)}` : ''}${cursor ? `&cursor=${q(cursor)}` : ''}`);
  const rows = page.queues.map((x) => ({ name: x.name, settings: x.settings, stats: x }));
  for (const r of rows) {
    const series = throughput.get(r.name) || [];
    series.push(r.stats?.ratesPerSecond?.completed ?? 0);
    throughput.set(r.name, series.slice(-SPARK_POINTS));
  }
  // The selected queue may be on another page: its counts come from its own stats call (one, not one per queue).
  let selected = rows.find((r) => r.name === view.queue);
  if (view.queue && !selected) {
    const stats = await tryApi(`/api/v1/queues/${q(view.queue)}/stats`);
    selected = stats ? { name: view.queue, stats } : null;
  }
  if (!selected) {
    view.queue = rows[0]?.name || null;
    selected = rows[0] || null;
  }
  renderQueues(rows, page);
  await Promise.all([renderJobs(rows, selected), renderSchedules(), renderParked()]);
}

function depth(r, s) {
  return r.stats?.depth?.[s];
}

function renderQueues(rows, page) {
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
  const pageNo = queuePage.cursors.length;
  fill(section('queues'), h('div', { class: 'toolbar' }, h('label', {}, 'filter ', filter)),
    table('queues-table', columns, rows, {
      pageSize: PER_PAGE, empty: queuePage.prefix ? `no queue starts with "${queuePage.prefix}"` : 'no queues yet',
      rowAttrs: (r) => ({ dataset: { queue: r.name }, class: r.name === view.queue ? 'selected' : null }),
    }),
    h('div', { id: 'queues-pager' }, pager(`page ${pageNo} of ${Math.max(1, Math.ceil(page.total / PER_PAGE))} (${num(page.total)} queues)`,
      pageNo > 1 ? () => { queuePage.cursors.pop(); refresh(); } : null,
      page.nextCursor ? () => { queuePage.cursors.push(page.nextCursor); refresh(); } : null)));
}

function queueActions(r) {
  const name = r.name;
  return h('span', { class: 'row' },
    r.settings.paused
      ? actionButton('admin', 'Resume', () => act(`resume ${name}`, () => api(`/api/v1/queues/${q(name)}/resume`, { method: 'POST' })), { dataset: { action: 'resume', role: 'admin' } })
      : actionButton('admin', 'Pause', () => act(`pause ${name}`, () => api(`/api/v1/queues/${q(name)}/pause`, { method: 'POST' })), { dataset: { action: 'pause', role: 'admin' } }),
    depth(r, 'dead') > 0
      ? actionButton('writer', 'Retry all dead', () => act(`retry all dead in ${name}`, () => api(`/api/v1/queues/${q(name)}/dead/retry`, { method: 'POST' })), { dataset: { action: 'retry-dead', role: 'writer' } })
      : null,
    actionButton('admin', 'Settings', () => settingsDialog(r), { dataset: { action: 'settings', role: 'admin' } }));
}

function selectQueue(name, state) {
  view.queue = name;
  if (state) view.state = state;
  view.cursors = [null];
  refresh();
}

async function renderJobs(rows, selected) {
  const body = section('jobs');
  if (!view.queue) {
    fill(body, h('p', { class: 'muted' }, 'no queue selected'));
    return;
  }
  const cursor = view.cursors[view.cursors.length - 1];
  const page = await api(`/api/v1/queues/${q(view.queue)}/jobs?state=${view.state}&limit=25${cursor ? `&cursor=${q(cursor)}` : ''}`);
  const counts = selected?.stats?.depth || {};
  const tabs = h('div', { class: 'toolbar', role: 'tablist' },
    h('label', {}, 'queue ', h('select', { id: 'jobs-queue', onchange: (e) => selectQueue(e.target.value) },
      (rows.some((r) => r.name === view.queue) ? rows : [selected, ...rows])
        .map((r) => h('option', { value: r.name, selected: r.name === view.queue }, r.name)))),
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
    j.state === 'dead' ? actionButton('writer', 'Retry', () => act(`retry job ${j.id}`, () => api(`${base}/retry`, { method: 'POST' })), { dataset: { action: 'retry', role: 'writer' } }) : null,
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
