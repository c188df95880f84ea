// alert-service console: active alerts grouped as the route tree groups them, an alert's history, silences (with a
// live count of the alerts a new one would match), the routing tree and dead notifications.
import {
  h, fill, api, act, actionButton, start, section, table, pager, badge, json, dialog, field, session, time, num,
  duration, refresh, notice, showProblem,
} from '/vigil-console/console.js';

const GROUPS_PER_PAGE = 20;
const view = { page: 0, alerts: [], routing: null };
const enc = encodeURIComponent;

// ---- matchers and routes, as alert-service evaluates them (domain/Matcher, notify/Router) -----------------------

/** 'name=value', 'name!=value', 'name=~regex', 'name!~regex', the value optionally in quotes: domain/Matcher's syntax. */
export function parseMatcher(text) {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(text);
  if (!m) return null;
  const value = m[3];
  let re = null;
  if (m[2].includes('~')) {
    try {
      re = new RegExp(`^(?:${value})$`);
    } catch (e) {
      return null;
    }
  }
  return { name: m[1], op: m[2], value, test: (labels) => {
    const v = labels?.[m[1]] ?? '';
    switch (m[2]) {
      case '=': return v === value;
      case '!=': return v !== value;
      case '=~': return re.test(v);
      default: return !re.test(v);
    }
  } };
}

const parsed = new Map(); // matcher text -> parsed: 10,000 alerts x the silences would otherwise recompile regexes

function matchesAll(matchers, labels) {
  return (matchers || []).every((t) => {
    if (!parsed.has(t)) {
      if (parsed.size > 5000) parsed.clear();
      parsed.set(t, parseMatcher(t));
    }
    return parsed.get(t)?.test(labels) ?? false;
  });
}

/** The routes an alert's labels reach (depth first, first matching child unless it says continue), like Router. */
function routeFor(route, labels, inherited = {}) {
  if (!route) return [];
  const eff = {
    receiver: route.receiver ?? inherited.receiver, groupBy: route.groupBy ?? inherited.groupBy ?? ['alertname'],
    path: [...(inherited.path || []), route.name || route.receiver || 'route'],
  };
  const out = [];
  for (const child of route.routes || []) {
    if (matchesAll(child.matchers, labels)) {
      out.push(...routeFor(child, labels, eff));
      if (!child.continue) break;
    }
  }
  return out.length ? out : [eff];
}

function groupAlerts(alerts, routing) {
  const groups = new Map();
  for (const a of alerts) {
    const routes = routing?.route ? routeFor(routing.route, a.labels) : [{ receiver: '(no routing)', groupBy: ['alertname'], path: [] }];
    const r = routes[0];
    const by = r.groupBy.includes('...') ? Object.keys(a.labels || {}).sort() : r.groupBy;
    const key = `${r.receiver}|${by.map((l) => `${l}=${a.labels?.[l] ?? ''}`).join(',')}`;
    if (!groups.has(key)) groups.set(key, { key, receiver: r.receiver, path: r.path, labels: by.map((l) => `${l}=${a.labels?.[l] ?? ''}`), alerts: [] });
    groups.get(key).alerts.push(a);
  }
  return [...groups.values()].sort((x, y) => severityRank(y) - severityRank(x) || x.key.localeCompare(y.key));
}

const SEVERITY = { critical: 3, warning: 2, info: 1 };
function severityRank(g) {
  return Math.max(...g.alerts.map((a) => SEVERITY[a.severity] || 0));
}

// ---- rendering ----------------------------------------------------------------------------------------------------

async function render() {
  if (!session.role) {
    for (const id of ['alerts', 'silences', 'routing', 'dead']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see alerts (every call needs at least the reader role).'));
    }
    return;
  }
  const [alerts, routing, silences, dead] = await Promise.all([
    api('/api/v1/alerts?state=active&limit=5000'), api('/api/v1/routing'), api('/api/v1/silences'),
    api('/api/v1/notifications/dead'),
  ]);
  view.alerts = alerts;
  view.routing = routing;
  renderAlerts(alerts, routing);
  renderSilences(silences);
  renderRouting(routing);
  renderDead(dead);
}

function renderAlerts(alerts, routing) {
  const groups = groupAlerts(alerts, routing);
  const pages = Math.max(1, Math.ceil(groups.length / GROUPS_PER_PAGE));
  view.page = Math.min(view.page, pages - 1);
  const shown = groups.slice(view.page * GROUPS_PER_PAGE, (view.page + 1) * GROUPS_PER_PAGE);
  const firing = alerts.filter((a) => a.state === 'firing').length;
  const muted = alerts.filter((a) => a.mutedBy).length;
  const rows = [];
  for (const g of shown) {
    rows.push(h('tr', { class: 'group-head', dataset: { group: g.key } }, h('td', { colspan: 9 },
      `→ ${g.receiver || '(no receiver)'} · `, g.labels.map((l) => h('code', { text: `${l} ` })), ` · ${g.alerts.length} alert(s)`)));
    for (const a of g.alerts.slice(0, 50)) rows.push(alertRow(a));
    if (g.alerts.length > 50) rows.push(h('tr', {}, h('td', { colspan: 9, class: 'muted' }, `… and ${g.alerts.length - 50} more in this group`)));
  }
  const head = h('tr', {}, ['alert', 'severity', 'state', 'value', 'for', 'labels', 'muted by', 'ack', ''].map((t) => h('th', { text: t })));
  fill(section('alerts'),
    h('div', { class: 'toolbar' }, h('span', { id: 'alert-counts', text: `${alerts.length} active · ${firing} firing · ${muted} muted · ${groups.length} group(s)` }),
      actionButton('admin', 'Send test notification', testNotification, { dataset: { action: 'test-notification', role: 'admin' } })),
    h('div', { class: 'table-wrap' }, h('table', { id: 'alerts-table' }, h('thead', {}, head),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'no active alerts'))))),
    pages > 1 ? pager(`groups page ${view.page + 1} / ${pages}`, view.page > 0 ? () => { view.page--; refresh(); } : null,
      view.page < pages - 1 ? () => { view.page++; refresh(); } : null) : null);
}

function since(iso) {
  return iso ? duration(Date.now() - new Date(iso).getTime()) : '–';
}

function alertRow(a) {
  const name = a.labels?.alertname || a.rule || a.fingerprint;
  const other = Object.entries(a.labels || {}).filter(([k]) => !['alertname', 'severity'].includes(k)).map(([k, v]) => `${k}=${v}`);
  return h('tr', { dataset: { fingerprint: a.fingerprint, state: a.state, muted: a.mutedBy ? 'true' : 'false' } },
    h('td', {}, h('button', { type: 'button', class: 'link', dataset: { history: a.fingerprint }, onclick: () => historyDialog(a.fingerprint) }, name),
      a.annotations?.summary ? h('div', { class: 'muted', text: a.annotations.summary }) : null),
    h('td', {}, badge(a.severity)),
    h('td', {}, badge(a.state), a.flapping ? badge('flapping', 'warning') : null),
    h('td', { class: 'num', text: num(a.value, 3) }),
    h('td', { class: 'num', text: since(a.startsAt || a.activeAt) }),
    h('td', {}, other.map((l) => h('code', { class: 'label', text: `${l} ` }))),
    h('td', { class: 'muted-by' }, a.mutedBy ? badge(a.mutedBy, 'muted') : '–'),
    h('td', { class: 'ack' }, a.acknowledged ? `by ${a.acknowledged.by} ${since(a.acknowledged.at)} ago` : '–'),
    h('td', {}, h('span', { class: 'row' },
      a.acknowledged
        ? actionButton('writer', 'Unack', () => act(`unack ${name}`, () => api(`/api/v1/alerts/${enc(a.fingerprint)}/unack?by=${enc(who())}`, { method: 'POST' })), { dataset: { action: 'unack', role: 'writer' } })
        : actionButton('writer', 'Ack', () => act(`ack ${name}`, () => api(`/api/v1/alerts/${enc(a.fingerprint)}/ack`, { method: 'POST', body: { by: who(), comment: 'acknowledged in the console' } })), { dataset: { action: 'ack', role: 'writer' } }),
      actionButton('writer', 'Silence…', () => silenceDialog(a), { dataset: { action: 'silence', role: 'writer' } }))));
}

function who() {
  return `console ${session.principal || ''}`.trim();
}

async function historyDialog(fp) {
  try {
    const a = await api(`/api/v1/alerts/${enc(fp)}`);
    dialog(`alert ${a.labels?.alertname || fp}`,
      h('p', {}, badge(a.severity), ' ', badge(a.state), ` value ${num(a.value, 3)} · episode ${a.episode}`),
      h('h3', { text: 'labels' }), json(a.labels), a.annotations ? [h('h3', { text: 'annotations' }), json(a.annotations)] : null,
      h('h3', { text: 'history' }),
      h('ul', { class: 'timeline', id: 'alert-history' }, (a.history || []).map((e) => h('li', {},
        h('strong', { text: e.type || e.state || 'event' }), ` ${time(e.at ? new Date(e.at).toISOString() : e.time)}`,
        e.detail ? h('div', { class: 'muted', text: typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail) }) : null))));
  } catch (e) {
    showProblem(e);
  }
}

function silenceDialog(a) {
  const prefill = Object.entries(a.labels || {}).filter(([k]) => k !== 'severity').map(([k, v]) => `${k}="${v}"`);
  const matchers = h('textarea', { id: 'silence-matchers', rows: Math.max(3, prefill.length) });
  matchers.value = prefill.join('\n');
  const hours = h('select', { id: 'silence-duration' }, [1, 2, 4, 8, 24, 72].map((n) => h('option', { value: n, selected: n === 2 }, `${n} h`)));
  const comment = h('input', { type: 'text', id: 'silence-comment', value: `silenced from the console (${a.labels?.alertname || a.fingerprint})` });
  const count = h('p', { id: 'silence-count', 'aria-live': 'polite' });
  const lines = () => matchers.value.split('\n').map((s) => s.trim()).filter(Boolean);
  const recount = () => {
    const bad = lines().filter((l) => !parseMatcher(l));
    if (bad.length) {
      fill(count, h('span', { class: 'error-text', text: `not a matcher: ${bad[0]}` }));
      return;
    }
    const n = view.alerts.filter((x) => matchesAll(lines(), x.labels)).length;
    count.dataset.matches = String(n);
    fill(count, `would match ${n} of ${view.alerts.length} active alert(s)`);
  };
  matchers.addEventListener('input', recount);
  recount();
  const d = dialog('new silence', h('form', { id: 'silence-form', onsubmit: async (e) => {
    e.preventDefault();
    const body = { matchers: lines(), endsAt: new Date(Date.now() + Number(hours.value) * 3600_000).toISOString(),
      createdBy: who(), comment: comment.value };
    if (await act('silence', () => api('/api/v1/silences', { method: 'POST', body })) !== undefined) d.close();
  } }, field('matchers (one per line)', matchers), count, field('for', hours), field('comment', comment),
  h('button', { type: 'submit', class: 'action', dataset: { role: 'writer' } }, 'Save silence')));
}

async function testNotification() {
  const result = await act('test notification', () => api('/api/v1/alerts/test', { method: 'POST', body: { alertname: 'VigilConsoleTest', severity: 'info' } }));
  if (result) notice(`test notification sent to: ${(result.receivers || []).join(', ') || 'no receiver matched'}`);
}

function renderSilences(silences) {
  const now = silences.filter((s) => s.state !== 'expired');
  fill(section('silences'), table('silences-table', [
    { key: 'state', label: 'state', cell: (s) => badge(s.state, s.state === 'active' ? 'muted' : s.state) },
    { key: 'matchers', label: 'matchers', value: (s) => s.matchers.join(', '), cell: (s) => s.matchers.map((m) => h('code', { text: `${m} ` })) },
    { key: 'count', label: 'matching now', num: true, value: (s) => view.alerts.filter((a) => matchesAll(s.matchers, a.labels)).length },
    { key: 'startsAt', label: 'starts', cell: (s) => time(s.startsAt) },
    { key: 'endsAt', label: 'ends', cell: (s) => time(s.endsAt) },
    { key: 'createdBy', label: 'by' },
    { key: 'comment', label: 'comment' },
    { key: 'actions', label: '', sortable: false, cell: (s) => (s.state === 'expired' ? null
      : actionButton('writer', 'Expire', () => act('expire silence', () => api(`/api/v1/silences/${enc(s.id)}`, { method: 'DELETE' })), { dataset: { action: 'expire', role: 'writer' } })) },
  ], [...now, ...silences.filter((s) => s.state === 'expired')], {
    empty: 'no silences', rowAttrs: (s) => ({ dataset: { silence: s.id, state: s.state } }),
  }));
}

function renderRouting(routing) {
  const node = (r, depth) => h('li', { dataset: { route: r.name || r.receiver || 'root' } },
    h('strong', { text: r.receiver || '(inherits receiver)' }),
    r.name ? ` (${r.name})` : '',
    r.matchers?.length ? [' when ', r.matchers.map((m) => h('code', { text: `${m} ` }))] : (depth === 0 ? ' (root: every alert)' : ''),
    r.groupBy ? [' · group by ', h('code', { text: r.groupBy.join(',') })] : '',
    r.continue ? ' · continue' : '', r.include ? ` · includes ${r.include}` : '',
    r.routes?.length ? h('ul', {}, r.routes.map((c) => node(c, depth + 1))) : null);
  fill(section('routing'),
    routing.route ? h('ul', { class: 'route-tree' }, node(routing.route, 0)) : h('p', { class: 'muted' }, 'no route tree configured'),
    h('h3', { text: 'receivers' }),
    table('receivers-table', [{ key: 'name', label: 'name' }, { key: 'type', label: 'type' }], routing.receivers || [], { empty: 'no receivers' }),
    h('p', { class: 'muted', text: `origin: ${routing.origin || '–'} · inhibit rules: ${(routing.inhibitRules || []).length || 'default'}` }));
}

function renderDead(dead) {
  const rows = [...(dead.direct || []).map((d) => ({ via: 'direct', at: d.at || d.deadAt || d.time, receiver: d.receiver, error: d.error || d.lastError, doc: d })),
    ...(Array.isArray(dead.queue) ? dead.queue : []).map((j) => ({ via: 'queue', at: j.finishedAt, receiver: j.payload?.receiver, error: j.lastError, doc: j }))];
  fill(section('dead'), dead.queueError ? h('p', { class: 'error-text', text: `queue-service: ${dead.queueError}` }) : null,
    table('dead-table', [
      { key: 'via', label: 'via' },
      { key: 'at', label: 'at', cell: (r) => time(typeof r.at === 'number' ? new Date(r.at).toISOString() : r.at) },
      { key: 'receiver', label: 'receiver' },
      { key: 'error', label: 'error' },
      { key: 'doc', label: 'notification', sortable: false, cell: (r) => json(r.doc) },
    ], rows, { empty: 'no dead notifications' }));
}

start({
  title: 'alert-service',
  service: 'alert-service',
  sections: [
    { id: 'alerts', label: 'Active alerts' },
    { id: 'silences', label: 'Silences' },
    { id: 'routing', label: 'Routing tree' },
    { id: 'dead', label: 'Dead notifications' },
  ],
  onRender: render,
});
