// health-service console (the public status page stays at /): targets with state, last result, reasons, uptime and
// p95; a target's history chart; incidents and maintenance windows; add or edit a target (conditions checked first).
import {
  h, fill, api, act, actionButton, start, section, table, badge, dialog, field, session, time, num,
  duration, chart, showProblem,
} from '/vigil-console/console.js';

const enc = encodeURIComponent;
const uptimeCache = new Map(); // target -> {at, stats}: uptime is recomputed at most once a minute per target

// Gatus-style conditions as health-service reads them: [PLACEHOLDER](.path) operator value.
// The same form as domain/Condition.FORM; the server checks the placeholder and value again when saving.
const CONDITION = /^\s*\[([A-Z_]+)\]((?:\.[A-Za-z0-9_-]+|\[\d+\])*)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/;

export function checkConditions(lines) {
  return lines.filter((l) => !CONDITION.test(l)).map((l) => `not a condition: ${l} (expected e.g. "[STATUS] == 200")`);
}

async function uptime(name) {
  const c = uptimeCache.get(name);
  if (c && Date.now() - c.at < 60000) return c.stats;
  const stats = await api(`/api/v1/targets/${enc(name)}/uptime?window=24h`).then((l) => l[0]).catch(() => null);
  uptimeCache.set(name, { at: Date.now(), stats });
  return stats;
}

async function render() {
  if (!session.role) {
    for (const id of ['targets', 'incidents', 'maintenance']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see targets; the public status page is at ', h('a', { href: '/' }, '/'), '.'));
    }
    return;
  }
  const [status, incidents, maintenance] = await Promise.all([
    api('/api/v1/status'), api('/api/v1/incidents?status=all&limit=100'), api('/api/v1/maintenance'),
  ]);
  const stats = await Promise.all(status.targets.slice(0, 300).map((t) => uptime(t.name)));
  const rows = status.targets.map((t, i) => ({ ...t, uptime: stats[i] }));
  renderTargets(status, rows);
  renderIncidents(incidents, status.targets);
  renderMaintenance(maintenance, status.targets);
}

function renderTargets(status, rows) {
  fill(section('targets'),
    h('div', { class: 'toolbar' }, 'overall ', badge(status.overall), h('span', { class: 'muted', text: (status.reasons || []).join(' · ') }),
      actionButton('admin', 'Add target', () => targetDialog(null), { dataset: { action: 'add-target', role: 'admin' } })),
    table('targets-table', [
      { key: 'name', label: 'target', cell: (t) => h('button', { type: 'button', class: 'link', dataset: { history: t.name }, onclick: () => historyDialog(t.name) }, t.name) },
      { key: 'group', label: 'group' },
      { key: 'type', label: 'type' },
      { key: 'state', label: 'state', cell: (t) => [badge(t.state), t.maintenance ? badge('maintenance') : null] },
      { key: 'reason', label: 'reason / last result', cell: (t) => h('span', { class: 'reason', text: [t.reason, t.blockedBy?.length ? `blocked by ${t.blockedBy.join(', ')}` : ''].filter(Boolean).join(' · ') || '–' }) },
      { key: 'checkedAt', label: 'checked', cell: (t) => time(t.checkedAt) },
      { key: 'latencyMs', label: 'latency', num: true, cell: (t) => duration(t.latencyMs) },
      { key: 'uptime', label: 'uptime 24h', num: true, value: (t) => t.uptime?.uptimePercent, cell: (t) => (t.uptime?.uptimePercent == null ? '–' : `${num(t.uptime.uptimePercent, 2)} %`) },
      { key: 'p95', label: 'p95 24h', num: true, value: (t) => t.uptime?.p95Ms, cell: (t) => duration(t.uptime?.p95Ms) },
      { key: 'lastError', label: 'last error', cell: (t) => (t.lastError ? [h('span', { text: t.lastError }), h('div', { class: 'muted', text: time(t.lastErrorAt) })] : '–') },
      { key: 'actions', label: '', sortable: false, cell: (t) => actionButton('admin', 'Edit', () => targetDialog(t.name), { dataset: { action: 'edit', role: 'admin' } }) },
    ], rows, { empty: 'no targets', rowAttrs: (t) => ({ dataset: { target: t.name, state: t.state } }) }));
}

async function historyDialog(name) {
  try {
    const [page, stats] = await Promise.all([api(`/api/v1/targets/${enc(name)}/history?window=24h&limit=1000`), api(`/api/v1/targets/${enc(name)}/uptime`)]);
    const items = [...page.items].sort((a, b) => a.checkedAt - b.checkedAt);
    const d = dialog(`history of ${name}`,
      table('uptime-table', [
        { key: 'window', label: 'window' }, { key: 'checks', label: 'checks', num: true },
        { key: 'uptimePercent', label: 'uptime', num: true, cell: (u) => (u.uptimePercent == null ? '–' : `${num(u.uptimePercent, 3)} %`) },
        { key: 'p50Ms', label: 'p50', num: true, cell: (u) => duration(u.p50Ms) }, { key: 'p95Ms', label: 'p95', num: true, cell: (u) => duration(u.p95Ms) },
        { key: 'p99Ms', label: 'p99', num: true, cell: (u) => duration(u.p99Ms) },
      ], stats),
      h('h3', { text: 'response time, last 24 h' }));
    d.dialog.append(chart([{ label: 'latency', values: items.map((r) => r.latencyMs) }], items.map((r) => r.checkedAt / 1000), { unit: ' ms', id: 'history-chart' }),
      h('h3', { text: 'recent results' }),
      table('results-table', [
        { key: 'checkedAt', label: 'at', cell: (r) => time(new Date(r.checkedAt).toISOString()) },
        { key: 'outcome', label: 'outcome', cell: (r) => badge(r.outcome) },
        { key: 'latencyMs', label: 'latency', num: true, cell: (r) => duration(r.latencyMs) },
        { key: 'reason', label: 'reason' },
      ], [...items].reverse(), { pageSize: 10 }));
  } catch (e) {
    showProblem(e);
  }
}

async function targetDialog(name) {
  let spec = { type: 'http', intervalMs: 30000, conditions: ['[STATUS] == 200'] };
  if (name) {
    try {
      spec = await api(`/api/v1/targets/${enc(name)}`);
    } catch (e) {
      showProblem(e);
      return;
    }
  }
  const input = (id, value, attrs = {}) => h('input', { id, value: value ?? '', ...attrs });
  const f = {
    name: input('t-name', spec.name, { required: true, readonly: name ? true : null, pattern: '[A-Za-z0-9._-]+' }),
    type: h('select', { id: 't-type' }, ['http', 'tcp', 'tls', 'redis', 'mongodb', 'service'].map((t) => h('option', { value: t, selected: spec.type === t }, t))),
    url: input('t-url', spec.url, { required: true, size: 50 }),
    group: input('t-group', spec.group),
    intervalMs: input('t-interval', spec.intervalMs, { type: 'number', min: 200 }),
    conditions: h('textarea', { id: 't-conditions', rows: 3 }),
    softConditions: h('textarea', { id: 't-soft', rows: 2 }),
  };
  f.conditions.value = (spec.conditions || []).join('\n');
  f.softConditions.value = (spec.softConditions || []).join('\n');
  const lines = (el) => el.value.split('\n').map((s) => s.trim()).filter(Boolean);
  const check = h('p', { id: 't-check', 'aria-live': 'polite' });
  const verify = () => {
    const problems = [...checkConditions(lines(f.conditions)), ...checkConditions(lines(f.softConditions))];
    check.dataset.ok = String(!problems.length);
    fill(check, problems.length ? h('span', { class: 'error-text', text: problems.join('; ') }) : 'conditions look right');
    return !problems.length;
  };
  f.conditions.addEventListener('input', verify);
  f.softConditions.addEventListener('input', verify);
  verify();
  const d = dialog(name ? `edit ${name}` : 'add a target', h('form', { id: 'target-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!verify()) return;
    const body = { ...spec, name: f.name.value.trim(), type: f.type.value, url: f.url.value.trim(), group: f.group.value.trim() || null,
      intervalMs: Number(f.intervalMs.value) || null, conditions: lines(f.conditions), softConditions: lines(f.softConditions) };
    delete body.source;
    if (await act(`save ${body.name}`, () => api(`/api/v1/targets/${enc(body.name)}`, { method: 'PUT', body })) !== undefined) d.close();
  } }, field('name', f.name), field('type', f.type), field('url', f.url), field('group', f.group),
  field('interval (ms)', f.intervalMs), field('conditions (one per line; a failing one makes it DOWN)', f.conditions),
  field('soft conditions (DEGRADED only)', f.softConditions), check,
  h('button', { type: 'submit', class: 'action', dataset: { role: 'admin' } }, 'Save target')));
}

function renderIncidents(incidents, targets) {
  fill(section('incidents'),
    h('div', { class: 'toolbar' }, actionButton('admin', 'Open incident', () => incidentDialog(targets), { dataset: { action: 'open-incident', role: 'admin' } })),
    table('incidents-table', [
      { key: 'status', label: 'status', cell: (i) => badge(i.status) },
      { key: 'severity', label: 'severity', cell: (i) => badge(i.severity) },
      { key: 'title', label: 'title' },
      { key: 'targets', label: 'targets', value: (i) => (i.targets || []).join(', ') },
      { key: 'createdAt', label: 'opened', cell: (i) => time(i.createdAt) },
      { key: 'resolvedAt', label: 'resolved', cell: (i) => time(i.resolvedAt) },
      { key: 'updates', label: 'updates', sortable: false, cell: (i) => h('ul', { class: 'timeline' }, (i.updates || []).slice(-3).map((u) => h('li', {}, h('strong', { text: u.status || '' }), ` ${time(u.at)} `, h('span', { text: u.message || '' })))) },
      { key: 'actions', label: '', sortable: false, cell: (i) => (i.status === 'resolved' ? null
        : actionButton('admin', 'Resolve', () => act(`resolve ${i.title}`, () => api(`/api/v1/incidents/${enc(i.id)}/resolve`, { method: 'POST', body: { message: 'resolved from the console' } })), { dataset: { action: 'resolve', role: 'admin' } })) },
    ], incidents, { empty: 'no incidents', rowAttrs: (i) => ({ dataset: { incident: i.id, status: i.status } }) }));
}

function incidentDialog(targets) {
  const title = h('input', { id: 'i-title', required: true, size: 50 });
  const message = h('textarea', { id: 'i-message' });
  const severity = h('select', { id: 'i-severity' }, ['minor', 'major', 'critical'].map((s) => h('option', { value: s }, s)));
  const which = h('select', { id: 'i-targets', multiple: true, size: Math.min(6, Math.max(2, targets.length)) }, targets.map((t) => h('option', { value: t.name }, t.name)));
  const d = dialog('open an incident', h('form', { id: 'incident-form', onsubmit: async (e) => {
    e.preventDefault();
    const body = { title: title.value, message: message.value, severity: severity.value, targets: [...which.selectedOptions].map((o) => o.value) };
    if (await act('open incident', () => api('/api/v1/incidents', { method: 'POST', body })) !== undefined) d.close();
  } }, field('title', title), field('message', message), field('severity', severity), field('targets', which),
  h('button', { type: 'submit', class: 'action', dataset: { role: 'admin' } }, 'Open')));
}

function renderMaintenance(windows, targets) {
  const now = Date.now();
  fill(section('maintenance'),
    h('div', { class: 'toolbar' }, actionButton('admin', 'Plan maintenance', () => maintenanceDialog(targets), { dataset: { action: 'plan-maintenance', role: 'admin' } })),
    table('maintenance-table', [
      { key: 'state', label: 'state', value: (m) => (Date.parse(m.endsAt) < now ? 'past' : Date.parse(m.startsAt) > now ? 'planned' : 'maintenance'), cell: (m) => badge(Date.parse(m.endsAt) < now ? 'past' : Date.parse(m.startsAt) > now ? 'planned' : 'maintenance') },
      { key: 'title', label: 'title' },
      { key: 'targets', label: 'targets', value: (m) => (m.targets || []).join(', ') },
      { key: 'startsAt', label: 'starts', cell: (m) => time(m.startsAt) },
      { key: 'endsAt', label: 'ends', cell: (m) => time(m.endsAt) },
      { key: 'actions', label: '', sortable: false, cell: (m) => (Date.parse(m.endsAt) < now ? null
        : actionButton('admin', 'End', () => act(`end ${m.title}`, () => api(`/api/v1/maintenance/${enc(m.id)}`, { method: 'DELETE' })), { dataset: { action: 'end-maintenance', role: 'admin' } })) },
    ], windows, { empty: 'no maintenance windows', rowAttrs: (m) => ({ dataset: { maintenance: m.id } }) }));
}

function maintenanceDialog(targets) {
  const title = h('input', { id: 'm-title', required: true, size: 40 });
  const starts = h('input', { id: 'm-starts', type: 'datetime-local' });
  const hours = h('input', { id: 'm-hours', type: 'number', min: 0.25, step: 0.25, value: 1 });
  const which = h('select', { id: 'm-targets', multiple: true, size: Math.min(6, Math.max(2, targets.length)) }, targets.map((t) => h('option', { value: t.name }, t.name)));
  const d = dialog('plan maintenance', h('form', { id: 'maintenance-form', onsubmit: async (e) => {
    e.preventDefault();
    const from = starts.value ? new Date(starts.value) : new Date();
    const body = { title: title.value, message: '', targets: [...which.selectedOptions].map((o) => o.value), startsAt: from.toISOString(),
      endsAt: new Date(from.getTime() + Number(hours.value) * 3600_000).toISOString() };
    if (await act('plan maintenance', () => api('/api/v1/maintenance', { method: 'POST', body })) !== undefined) d.close();
  } }, field('title', title), field('starts (empty: now, local time)', starts), field('hours', hours), field('targets', which),
  h('button', { type: 'submit', class: 'action', dataset: { role: 'admin' } }, 'Plan')));
}

start({
  title: 'health-service console',
  service: 'health-service',
  sections: [
    { id: 'targets', label: 'Targets' },
    { id: 'incidents', label: 'Incidents' },
    { id: 'maintenance', label: 'Maintenance windows' },
  ],
  onRender: render,
});
