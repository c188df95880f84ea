// The page chrome every Vigil console shares: API key in sessionStorage, fetch with auth and problem+json errors,
// who is signed in, a refresh loop that pauses in hidden tabs, sortable paged tables and uPlot charts.
// Every value from the API reaches the DOM through textContent or attributes (h()), never as markup.

const KEY = 'vigil.apiKey';
const RANK = { reader: 1, writer: 2, admin: 3 };
export const UPLOT = '/webjars/uplot/1.6.30/dist/';

/** Builds an element: h('td', {class: 'num', dataset: {job: id}, onclick: f}, 'text', child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// ---- session and API ----------------------------------------------------------------------------------------------

export const session = {
  key: () => sessionStorage.getItem(KEY),
  role: null,
  principal: null,
  /** True when the signed-in key's role includes the given one. */
  can: (role) => (RANK[session.role] || 0) >= RANK[role],
};

export class ApiError extends Error {
  constructor(status, problem, path) {
    super(explain(status, problem));
    this.status = status;
    this.problem = problem;
    this.path = path;
  }
}

function explain(status, p) {
  if (status === 401) {
    return session.key()
      ? 'This API key was not accepted (401). Sign in again with a valid key.'
      : 'This needs an API key (401): sign in with a reader, writer or admin key.';
  }
  if (status === 403) {
    return `Your key's role (${session.role || 'none'}) may not do this (403): ${p?.detail || 'forbidden'}. `
      + 'Ask for a key with a higher role.';
  }
  const fields = (p?.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ');
  return `${p?.title || 'Request failed'} (${status})${p?.detail ? ': ' + p.detail : ''}${fields ? ' — ' + fields : ''}`;
}

/** Calls the service's API with the session's key; resolves to parsed JSON (or text), rejects with an ApiError. */
export async function api(path, { method = 'GET', body, accept } = {}) {
  const headers = { Accept: accept || 'application/json, application/problem+json' };
  const key = session.key();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'Service unreachable', detail: String(e.message || e) }, path);
  }
  const type = res.headers.get('Content-Type') || '';
  const data = res.status === 204 ? null : type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : { detail: data }, path);
  return data;
}

/** GET that answers null on 401/403/404 instead of failing the page: sections the key may not read stay empty. */
export async function tryApi(path) {
  try {
    return await api(path);
  } catch (e) {
    if ([401, 403, 404].includes(e.status)) return null;
    throw e;
  }
}

// ---- page chrome --------------------------------------------------------------------------------------------------

let problemBox;
let noticeBox;

/** Shows an error (an ApiError explains itself) in the page's alert region. */
export function showProblem(e) {
  fill(problemBox, h('span', { text: e instanceof ApiError ? e.message : String(e.message || e) }),
    h('button', { class: 'link', type: 'button', onclick: () => (problemBox.hidden = true) }, 'dismiss'));
  problemBox.hidden = false;
}

export function notice(text) {
  fill(noticeBox, text);
  noticeBox.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => (noticeBox.hidden = true), 6000);
}

/**
 * Runs an action the user asked for (a button): errors go to the alert region, success to a notice, then the page
 * refreshes so the result shows.
 */
export async function act(label, fn) {
  try {
    const result = await fn();
    notice(`${label}: done`);
    problemBox.hidden = true;
    refresh();
    return result;
  } catch (e) {
    showProblem(e);
    return undefined;
  }
}

/** A button for an action that needs a role; absent (null) when the signed-in key may not use it. */
export function actionButton(role, label, onclick, attrs = {}) {
  if (!session.can(role)) return null;
  return h('button', { type: 'button', class: 'action', dataset: { role }, onclick, ...attrs }, label);
}

let render;
let every = 10000;
let lastOk = 0;
let timer;
let inFlight = false;
let again = false;

/** Reloads the page's data now (or right after the reload in flight, which may have started under another key). */
export async function refresh() {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  again = false;
  clearTimeout(timer);
  const role = session.role || 'public';
  try {
    await render();
    lastOk = Date.now();
    // Tests and scripts can tell which sign-in the DOM was rendered for.
    document.body.dataset.renderedAs = role;
    document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
  } catch (e) {
    showProblem(e);
  } finally {
    inFlight = false;
    updatedLabel();
    if (again) refresh();
    else if (!document.hidden) timer = setTimeout(refresh, every);
  }
}

function updatedLabel() {
  const el = document.getElementById('vc-updated');
  if (!el) return;
  if (document.hidden) el.textContent = 'paused (tab hidden)';
  else if (!lastOk) el.textContent = 'not loaded yet';
  else el.textContent = `updated ${ago(Date.now() - lastOk)} ago`;
}

/** "3 s", "4 min", "2 h", "5 d". */
export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** Milliseconds as a short duration ("850 ms", "12.3 s", "4 min"). */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return ago(ms);
}

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Number(v).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function pct(ratio) {
  return ratio === null || ratio === undefined || Number.isNaN(ratio) ? '–' : `${(ratio * 100).toFixed(1)} %`;
}

async function whoami() {
  try {
    const me = await api('/api/v1/whoami');
    session.role = me.role;
    session.principal = me.principal;
  } catch (e) {
    session.role = null;
    session.principal = null;
    if (e.status === 401) {
      sessionStorage.removeItem(KEY);
      showProblem(e);
    } else {
      throw e;
    }
  }
}

function signInArea() {
  const box = document.getElementById('vc-auth');
  if (session.role) {
    fill(box, h('span', { class: 'who', id: 'vc-who', dataset: { role: session.role } },
      'signed in as ', h('strong', { text: session.role }), ` (${session.principal})`),
    h('button', { type: 'button', id: 'vc-signout', onclick: signOut }, 'Sign out'));
    return;
  }
  const input = h('input', { type: 'password', id: 'vc-key', autocomplete: 'off', placeholder: 'API key',
    'aria-label': 'API key' });
  fill(box, h('span', { class: 'who', id: 'vc-who' }, 'not signed in (public view)'),
    h('form', { id: 'vc-signin', onsubmit: (ev) => { ev.preventDefault(); signIn(input.value.trim()); } },
      input, h('button', { type: 'submit' }, 'Sign in')));
}

async function signIn(key) {
  if (!key) return;
  sessionStorage.setItem(KEY, key);
  await whoami();
  signInArea();
  if (session.role) problemBox.hidden = true;
  refresh();
}

function signOut() {
  sessionStorage.removeItem(KEY);
  session.role = null;
  session.principal = null;
  signInArea();
  refresh();
}

/**
 * Starts a console: title, the sections' navigation, the sign-in area, and the refresh loop around render().
 * The page's HTML needs only <body data-console="...">.
 */
export async function start({ title, service, sections = [], refreshMs = 10000, onRender }) {
  render = onRender;
  every = refreshMs;
  document.title = `${title} · Vigil`;
  const nav = h('nav', { class: 'vc-nav' }, sections.map((s) => h('a', { href: `#${s.id}` }, s.label)));
  problemBox = h('div', { id: 'vc-problem', class: 'problem', role: 'alert', hidden: true });
  noticeBox = h('div', { id: 'vc-notice', class: 'notice', role: 'status', hidden: true });
  const header = h('header', { class: 'vc-header' },
    h('h1', {}, h('span', { class: 'brand', text: 'Vigil' }), ' ', title),
    h('span', { id: 'vc-updated', class: 'muted', 'aria-live': 'off' }, 'not loaded yet'),
    h('button', { type: 'button', id: 'vc-refresh', onclick: () => refresh(), title: 'Refresh now' }, 'Refresh'),
    h('div', { id: 'vc-auth', class: 'auth' }));
  const main = h('main', { id: 'vc-main' }, sections.map((s) => h('section', { id: s.id },
    h('h2', { text: s.label }), h('div', { class: 'body', id: `${s.id}-body` }))));
  const footer = h('footer', { class: 'muted' }, `${service} · `, h('a', { href: '/q/swagger-ui' }, 'API'),
    ' · ', h('a', { href: '/q/health' }, 'health'));
  document.body.replaceChildren(header, nav, problemBox, noticeBox, main, footer);
  document.addEventListener('visibilitychange', () => (document.hidden ? clearTimeout(timer) : refresh()));
  setInterval(updatedLabel, 1000);
  window.vigil = { api, act, refresh, session }; // for the browser's devtools console
  if (session.key()) await whoami();
  signInArea();
  refresh();
}

/** The body element of a section created by start(). */
export function section(id) {
  return document.getElementById(`${id}-body`);
}

// ---- tables -------------------------------------------------------------------------------------------------------

const tableState = new Map();

/**
 * A sortable, paged table over rows held in the page. columns: [{key, label, value?: row => sortable,
 * cell?: row => node|string, num?: true}]. Sort and page survive refreshes (kept per id).
 */
export function table(id, columns, rows, { pageSize = 25, empty = 'nothing here', rowAttrs } = {}) {
  const st = tableState.get(id) || { sort: null, desc: false, page: 0 };
  tableState.set(id, st);
  const col = columns.find((c) => c.key === st.sort);
  const sorted = col ? [...rows].sort((a, b) => compare(value(col, a), value(col, b)) * (st.desc ? -1 : 1)) : rows;
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  st.page = Math.min(st.page, pages - 1);
  const shown = sorted.slice(st.page * pageSize, (st.page + 1) * pageSize);
  const wrap = h('div', { class: 'table-wrap', id });
  const rerender = () => wrap.replaceWith(table(id, columns, rows, { pageSize, empty, rowAttrs }));
  const head = h('tr', {}, columns.map((c) => h('th', {
    class: c.num ? 'num' : null, scope: 'col',
    'aria-sort': st.sort === c.key ? (st.desc ? 'descending' : 'ascending') : null,
  }, c.sortable === false ? c.label : h('button', { type: 'button', class: 'sort', dataset: { sort: c.key },
    onclick: () => { st.desc = st.sort === c.key ? !st.desc : !!c.num; st.sort = c.key; rerender(); } },
  c.label, st.sort === c.key ? (st.desc ? ' ▼' : ' ▲') : ''))));
  const body = shown.length
    ? shown.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {}, columns.map((c) => h('td', { class: c.num ? 'num' : null },
      c.cell ? c.cell(r) : fmt(value(c, r))))))
    : [h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty))];
  wrap.append(h('table', {}, h('thead', {}, head), h('tbody', {}, body)));
  if (pages > 1) {
    wrap.append(pager(`${st.page + 1} / ${pages} (${sorted.length})`,
      st.page > 0 ? () => { st.page--; rerender(); } : null,
      st.page < pages - 1 ? () => { st.page++; rerender(); } : null));
  }
  return wrap;
}

/** Previous/next controls (used by tables and by cursor-paged API lists). */
export function pager(label, prev, next) {
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'prev', disabled: !prev, onclick: prev || undefined }, '‹ prev'),
    h('span', { class: 'muted', text: label }),
    h('button', { type: 'button', class: 'next', disabled: !next, onclick: next || undefined }, 'next ›'));
}

function value(c, r) {
  return c.value ? c.value(r) : r[c.key];
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return num(v, 2);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A coloured state label ("DOWN", "dead", "firing"): the class is derived from the value, the text is the value. */
export function badge(text, kind) {
  const k = String(kind || text || '').toLowerCase().replace(/[^a-z0-9-]/g, '');
  return h('span', { class: `badge b-${k}`, text: text ?? '–' });
}

/** Pretty-printed JSON (payloads, labels) as text. */
export function json(value) {
  let text = value;
  if (typeof value !== 'string') text = JSON.stringify(value, null, 2);
  return h('pre', { class: 'json', text });
}

/** A modal dialog; returns {dialog, close}. Content is built by the caller with h(). */
export function dialog(title, ...content) {
  const d = h('dialog', { class: 'vc-dialog' }, h('header', {}, h('h3', { text: title }),
    h('button', { type: 'button', class: 'link close', onclick: () => d.close() }, 'close')), ...content);
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  return { dialog: d, close: () => d.close() };
}

/** A labelled form field. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', { text: label }), input, hint ? h('small', { class: 'muted', text: hint }) : null);
}

// ---- charts (uPlot from its WebJar) -------------------------------------------------------------------------------

let uplotModule;

async function uPlot() {
  if (!uplotModule) {
    if (!document.querySelector('link[data-uplot]')) {
      document.head.append(h('link', { rel: 'stylesheet', href: `${UPLOT}uPlot.min.css`, dataset: { uplot: '1' } }));
    }
    uplotModule = (await import(`${UPLOT}uPlot.esm.js`)).default;
  }
  return uplotModule;
}

function cssVar(name) {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5'];

/**
 * A time-series chart: xs are epoch seconds, series [{label, values}]. Sized to its container's width.
 * Returns the container element (append it first; the chart draws once the module loaded).
 */
export function chart(series, xs, { height = 220, unit = '', id } = {}) {
  const box = h('div', { class: 'chart', id, dataset: { points: String(xs.length) } });
  uPlot().then((U) => {
    const axis = { stroke: cssVar('--fg'), grid: { stroke: cssVar('--grid') }, ticks: { stroke: cssVar('--grid') } };
    const width = Math.max(260, box.clientWidth || box.parentElement?.clientWidth || 600);
    new U({
      width, height,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: cssVar(PALETTE[i % PALETTE.length]), width: 1.5,
        value: (u, v) => (v === null || v === undefined ? '–' : `${num(v, 1)}${unit}`) }))],
      axes: [axis, { ...axis, values: (u, vals) => vals.map((v) => `${num(v, 1)}${unit}`), size: 84 }],
    }, [xs, ...series.map((s) => s.values)], box);
  }).catch(showProblem);
  return box;
}

/** A small line without axes (throughput over the last refreshes). */
export function sparkline(values, { width = 120, height = 28 } = {}) {
  const box = h('span', { class: 'spark', dataset: { points: String(values.length) } });
  if (values.length < 2) return box;
  uPlot().then((U) => {
    new U({ width, height, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: cssVar('--c1'), width: 1.5, fill: cssVar('--c1-fill'), points: { show: false } }] },
    [values.map((_, i) => i), values], box);
  }).catch(() => {});
  return box;
}

// ---- Prometheus text (/q/metrics is public) -----------------------------------------------------------------------

/** Parses /q/metrics into [{name, labels, value}] (comments skipped). */
export async function prometheus() {
  const text = await api('/q/metrics', { accept: 'text/plain' });
  const out = [];
  for (const line of String(text).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The q-quantile of a Prometheus histogram from its cumulative buckets [{le, value}] (linear inside a bucket). */
export function histogramQuantile(q, buckets) {
  const sorted = buckets.map((b) => ({ le: b.le === '+Inf' ? Infinity : Number(b.le), count: b.value })).sort((a, b) => a.le - b.le);
  const total = sorted.length ? sorted[sorted.length - 1].count : 0;
  if (!total) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
