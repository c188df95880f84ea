// alert-service console: active alerts grouped as the route tree groups them, an alert's history, silences (with a
// live count of the alerts a new one would match), the routing tree and dead notifications.
import {
  h, fill, api, act, actionButton, start, section, table, pager, badge, json, dialog, field, session, time, num,
  duration, refresh, notice, showProblem,
} from '/vigil-console/console.js';

const GROUPS_PER_PAGE = 20;
const ALERTS_PER_GROUP = 5; // shown in the group page; "more" opens the group, paged on the server
const ALERTS_PER_OPEN_GROUP = 50;
// groups come from the server one page at a time (GET /api/v1/alerts/groups), so 10,000 alerts stay one page's worth
const view = { page: 0, open: new Map() }; // open: group key -> its alert page
const GROUPS = '/api/v1/alerts/groups';
const enc = encodeURIComponent;

// ---- matchers, as alert-service parses them (domain/Matcher): checked here, counted on the server --------------

/** How many active alerts every matcher matches: the server counts (limit=0), the page holds one page of alerts. */
async function matching(matchers) {
  const page = await api(`${GROUPS}?limit=0${matchers.map((m) => `&filter=${enc(m)}`).join('')}`);
  return page.alerts;
}

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

// ---- rendering ----------------------------------------------------------------------------------------------------

async function render() {
  if (!session.role) {
    for (const id of ['alerts', 'silences', 'routing', 'dead']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see alerts (every call needs at least the reader role).'));
    }
    return;
  }
  const [groups, routing, silences, dead] = await Promise.all([
    api(`${GROUPS}?limit=${GROUPS_PER_PAGE}&offset=${view.page * GROUPS_PER_PAGE}&alertLimit=${ALERTS_PER_GROUP}`),
    api('/api/v1/routing'), api('/api/v1/silences'), api('/api/v1/notifications/dead'),
  ]);
  if (groups.items.length === 0 && view.page > 0 && groups.total > 0) { // the last page emptied: step back
    view.page = Math.max(0, Math.ceil(groups.total / GROUPS_PER_PAGE) - 1);
    return render();
  }
  // open groups: their alerts paged on the server, the rest of the page shows the first few of each
  await Promise.all(groups.items.filter((g) => view.open.has(g.groupKey)).map(async (g) => {
    const one = await api(`${GROUPS}?group=${enc(g.groupKey)}&alertLimit=${ALERTS_PER_OPEN_GROUP}&alertOffset=${view.open.get(g.groupKey) * ALERTS_PER_OPEN_GROUP}`);
    if (one.items[0]) g.alerts = one.items[0].alerts;
  }));
  const live = silences.filter((s) => s.state !== 'expired');
  const counts = await Promise.all(live.slice(0, 50).map((s) => matching(s.matchers).catch(() => null)));
  const matched = new Map(live.slice(0, 50).map((s, i) => [s.id, counts[i]]));
  renderAlerts(groups);
  renderSilences(silences, matched);
  renderRouting(routing);
  renderDead(dead);
}

function renderAlerts(page) {
  const pages = Math.max(1, Math.ceil(page.total / GROUPS_PER_PAGE));
  const rows = [];
  for (const g of page.items) {
    const open = view.open.has(g.groupKey);
    const at = open ? view.open.get(g.groupKey) : 0;
    const severities = Object.entries(g.severities || {}).map(([k, n]) => [badge(k), ` ${n} `]);
    rows.push(h('tr', { class: 'group-head', dataset: { group: g.groupKey } }, h('td', { colspan: 9 },
      `→ ${g.receiver || '(no receiver)'} · `, Object.entries(g.groupLabels || {}).map(([k, v]) => h('code', { text: `${k}=${v} ` })),
      ` · ${g.count} alert(s) `, severities,
      g.count > ALERTS_PER_GROUP ? h('button', { type: 'button', class: 'link', dataset: { openGroup: g.groupKey },
        onclick: () => { if (open) view.open.delete(g.groupKey); else view.open.set(g.groupKey, 0); refresh(); } },
      open ? 'show fewer' : `show all ${g.count}`) : null)));
    for (const a of g.alerts) rows.push(alertRow(a));
    if (open && g.count > ALERTS_PER_OPEN_GROUP) {
      const last = Math.ceil(g.count / ALERTS_PER_OPEN_GROUP) - 1;
      rows.push(h('tr', {}, h('td', { colspan: 9 }, pager(`alerts ${at * ALERTS_PER_OPEN_GROUP + 1}–${Math.min(g.count, (at + 1) * ALERTS_PER_OPEN_GROUP)} of ${g.count}`,
        at > 0 ? () => { view.open.set(g.groupKey, at - 1); refresh(); } : null,
        at < last ? () => { view.open.set(g.groupKey, at + 1); refresh(); } : null))));
    } else if (!open && g.count > g.alerts.length) {
      rows.push(h('tr', {}, h('td', { colspan: 9, class: 'muted' }, `… and ${g.count - g.alerts.length} more in this group`)));
    }
  }
  const head = h('tr', {}, ['alert', 'severity', 'state', 'value', 'for', 'labels', 'muted by', 'ack', ''].map((t) => h('th', { text: t })));
  fill(section('alerts'),
    h('div', { class: 'toolbar' }, h('span', { id: 'alert-counts', text: `${page.alerts} active · ${page.firing} firing · ${page.total} group(s)` }),
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
    delete count.dataset.matches;
    if (bad.length) {
      seq++;
      fill(count, h('span', { class: 'error-text', text: `not a matcher: ${bad[0]}` }));
      return;
    }
    const asked = ++seq; // typing fast: only the last answer counts
    matching(lines()).then((n) => {
      if (asked !== seq) return;
      count.dataset.matches = String(n);
      fill(count, `would match ${n} active alert(s)`);
    }, (e) => {
      if (asked === seq) fill(count, h('span', { class: 'error-text', text: e.message || String(e) }));
    });
  };
  let seq = 0;
  let timer = null;
  matchers.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(recount, 250); });
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

function renderSilences(silences, matched) {
  const now = silences.filter((s) => s.state !== 'expired');
  fill(section('silences'), table('silences-table', [
    { key: 'state', label: 'state', cell: (s) => badge(s.state, s.state === 'active' ? 'muted' : s.state) },
    { key: 'matchers', label: 'matchers', value: (s) => s.matchers.join(', '), cell: (s) => s.matchers.map((m) => h('code', { text: `${m} ` })) },
    { key: 'count', label: 'matching now', num: true, value: (s) => matched.get(s.id) ?? '–' },
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
