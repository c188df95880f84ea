// cache-service console: namespaces with hit ratios (L1, L2), L1 size and invalidation delay p99 (this replica's
// /q/metrics), coherence of this replica, key lookup with meta, invalidation jobs with live progress, rate-limit
// policies, namespace settings.
import {
  h, fill, api, act, actionButton, start, section, table, pager, badge, json, dialog, field, session, num, pct, duration,
  prometheus, histogramQuantile, showProblem, refresh,
} from '/vigil-console/console.js';

const enc = encodeURIComponent;
const JOBS = 'vigil.cache.jobs';
let namespaces = [];

const JOB_PAGE = 25;
const jobPage = { cursors: [null] }; // recent jobs: cursor stack (paging)

/** Key and tag invalidations from this tab: they finish in the request (no job), so only the tab knows them. */
function myJobs() {
  return JSON.parse(sessionStorage.getItem(JOBS) || '[]');
}
function remember(job) {
  sessionStorage.setItem(JOBS, JSON.stringify([job, ...myJobs().filter((j) => j.id !== job.id)].slice(0, 20)));
}

function ratios(samples) {
  const by = new Map();
  for (const s of samples) {
    if (s.name === 'vigil_cache_requests_total') {
      const r = by.get(s.labels.namespace) || { l1: { hit: 0, total: 0 }, l2: { hit: 0, total: 0 } };
      const lvl = r[s.labels.level];
      if (lvl) {
        lvl.total += s.value;
        if (s.labels.result === 'hit') lvl.hit += s.value;
      }
      by.set(s.labels.namespace, r);
    }
  }
  const delay = new Map();
  for (const s of samples) {
    if (s.name === 'vigil_cache_invalidation_delay_seconds_bucket') {
      const list = delay.get(s.labels.namespace) || [];
      list.push({ le: s.labels.le, value: s.value });
      delay.set(s.labels.namespace, list);
    }
  }
  return { by, delay };
}

async function render() {
  if (!session.role) {
    for (const id of ['namespaces', 'lookup', 'jobs', 'policies']) {
      fill(section(id), h('p', { class: 'muted' }, 'Sign in with an API key to see the cache (every call needs at least the reader role).'));
    }
    return;
  }
  const [listing, coherence, policies, samples] = await Promise.all([
    api('/api/v1/cache/namespaces'), api('/api/v1/cache/coherence'), api('/api/v1/ratelimit/policies'),
    prometheus().catch(() => []),
  ]);
  namespaces = listing.namespaces || listing;
  const { by, delay } = ratios(samples);
  renderNamespaces(namespaces, coherence, by, delay);
  if (!document.getElementById('lookup-form')) renderLookup();
  await renderJobs();
  renderPolicies(policies.policies || policies);
}

function ratio(r) {
  return r && r.total ? r.hit / r.total : null;
}

function renderNamespaces(list, coherence, by, delay) {
  const rows = list.map((n) => {
    const r = by.get(n.name);
    const p99 = delay.has(n.name) ? histogramQuantile(0.99, delay.get(n.name)) : null;
    return { ...n, l1: ratio(r?.l1), l2: ratio(r?.l2), lookups: (r?.l1.total || 0), p99Ms: p99 === null ? null : p99 * 1000,
      position: coherence.positions?.[n.name] };
  });
  fill(section('namespaces'),
    h('p', { class: 'muted' }, 'Hit ratios, L1 size and delays are this replica\'s (a port-forward reaches one replica). Coherence: ',
      badge(coherence.connected ? 'connected' : 'disconnected', coherence.connected ? 'ok' : 'down'),
      ` · resyncs ${num(coherence.resyncs)} · L1 clears ${num(coherence.l1Clears)} · worst delay ${duration(coherence.worstDelayMs)}`),
    table('namespaces-table', [
      { key: 'name', label: 'namespace' },
      { key: 'l1', label: 'L1 hit ratio', num: true, cell: (n) => pct(n.l1) },
      { key: 'l2', label: 'L2 hit ratio', num: true, cell: (n) => pct(n.l2) },
      { key: 'lookups', label: 'lookups', num: true },
      { key: 'l1Entries', label: 'L1 entries', num: true },
      { key: 'p99Ms', label: 'invalidation p99', num: true, cell: (n) => duration(n.p99Ms) },
      { key: 'position', label: 'applied up to', cell: (n) => h('code', { text: n.position || '–' }) },
      { key: 'ttl', label: 'default TTL', num: true, value: (n) => n.settings?.defaultTtlMs, cell: (n) => duration(n.settings?.defaultTtlMs) },
      { key: 'actions', label: '', sortable: false, cell: (n) => h('span', { class: 'row' },
        actionButton('writer', 'Invalidate…', () => invalidateDialog(n.name), { dataset: { action: 'invalidate', role: 'writer' } }),
        actionButton('admin', 'Settings', () => settingsDialog(n), { dataset: { action: 'settings', role: 'admin' } })) },
    ], rows, { empty: 'no namespaces', rowAttrs: (n) => ({ dataset: { namespace: n.name } }) }));
}

function renderLookup() {
  const ns = h('select', { id: 'lookup-ns' }, namespaces.map((n) => h('option', { value: n.name }, n.name)));
  const key = h('input', { id: 'lookup-key', placeholder: 'key', size: 40 });
  const out = h('div', { id: 'lookup-result' });
  fill(section('lookup'), h('form', { id: 'lookup-form', class: 'row', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const meta = await api(`/api/v1/cache/${enc(ns.value)}/entries/${enc(key.value)}/meta`);
      fill(out, table('lookup-table', [{ key: 'field', label: 'field' }, { key: 'value', label: 'value', cell: (r) => (typeof r.value === 'object' && r.value !== null ? json(r.value) : String(r.value ?? '–')) }],
        Object.entries(meta).map(([field, value]) => ({ field, value })), { pageSize: 50 }));
    } catch (err) {
      fill(out, h('p', { class: 'error-text', text: err.status === 404 ? `no entry '${key.value}' in ${ns.value}` : err.message }));
    }
  } }, field('namespace', ns), field('key', key), h('button', { type: 'submit' }, 'Look up')), out);
}

function invalidateDialog(ns) {
  const kind = h('select', { id: 'inv-kind' }, ['tag', 'key', 'pattern'].map((k) => h('option', { value: k }, k)));
  const value = h('input', { id: 'inv-value', required: true, size: 40, placeholder: 'tag, key or glob (user:*)' });
  const d = dialog(`invalidate in ${ns}`, h('form', { id: 'invalidate-form', onsubmit: async (e) => {
    e.preventDefault();
    const body = kind.value === 'pattern' ? { pattern: value.value } : { [`${kind.value}s`]: [value.value] };
    const result = await act(`invalidate ${kind.value} ${value.value}`, () => api(`/api/v1/cache/${enc(ns)}/invalidate`, { method: 'POST', body }));
    if (result !== undefined) {
      // a pattern job shows from the API's job list; an immediate one only this tab knows
      if (!result?.id) remember({ id: `sync-${Date.now()}`, ns, kind: kind.value, what: value.value, sync: result });
      d.close();
      refresh();
    }
  } }, field('by', kind), field('value', value), h('button', { type: 'submit', class: 'action', dataset: { role: 'writer' } }, 'Invalidate')));
}

async function renderJobs() {
  // Every replica's recent jobs (pattern and namespace invalidations, warming), one page per refresh.
  const cursor = jobPage.cursors[jobPage.cursors.length - 1];
  const page = await api(`/api/v1/cache/jobs?limit=${JOB_PAGE}${cursor ? `&cursor=${enc(cursor)}` : ''}`);
  const recent = page.jobs.map((j) => ({ ...j, ns: j.namespace, what: j.detail ?? '' }));
  const immediate = jobPage.cursors.length > 1 ? [] : myJobs().filter((j) => j.sync)
    .map((j) => ({ ...j, state: 'done', done: j.sync.invalidated ?? j.sync.keys ?? null, total: j.sync.invalidated ?? null }));
  const jobs = [...immediate, ...recent];
  const running = jobs.some((j) => ['running', 'pending', 'queued'].includes(j.state));
  const pageNo = jobPage.cursors.length;
  fill(section('jobs'), h('p', { class: 'muted', text: 'Recent jobs of every replica and namespace, newest first; key and tag invalidations from this tab (immediate, no job) on top.' }),
    table('jobs-table', [
      { key: 'what', label: 'invalidation', value: (j) => `${j.kind} ${j.what}`, cell: (j) => [h('code', { text: `${j.kind} ${j.what}` }), ` in ${j.ns}`] },
      { key: 'state', label: 'state', cell: (j) => badge(j.state) },
      { key: 'progress', label: 'progress', sortable: false, cell: (j) => (j.total > 0
        ? [h('progress', { class: 'progress', max: j.total, value: j.done }), ` ${num(j.done)} / ${num(j.total)}`]
        : `${num(j.done)}${j.total === -1 ? ' (scanning)' : ''}`) },
      { key: 'failed', label: 'failed', num: true },
      { key: 'error', label: 'error' },
    ], jobs, { pageSize: JOB_PAGE + immediate.length, empty: 'no recent jobs', rowAttrs: (j) => ({ dataset: { job: j.id, state: j.state } }) }),
    h('div', { id: 'jobs-pager' }, pager(`page ${pageNo} of ${Math.max(1, Math.ceil(page.total / JOB_PAGE))} (${num(page.total)} jobs)`,
      pageNo > 1 ? () => { jobPage.cursors.pop(); refresh(); } : null,
      page.nextCursor ? () => { jobPage.cursors.push(page.nextCursor); refresh(); } : null)));
  if (running) setTimeout(refresh, 1000); // live progress while a job runs
}

function renderPolicies(policies) {
  fill(section('policies'), table('policies-table', [
    { key: 'name', label: 'policy' },
    { key: 'limit', label: 'limit', num: true, value: (p) => p.policy?.limit },
    { key: 'window', label: 'window', num: true, value: (p) => p.policy?.windowMs, cell: (p) => duration(p.policy?.windowMs) },
    { key: 'algorithm', label: 'algorithm', value: (p) => p.policy?.algorithm },
    { key: 'configured', label: 'source', value: (p) => (p.configured ? 'configuration' : 'API') },
  ], policies, { empty: 'no rate-limit policies' }));
}

function settingsDialog(n) {
  const s = n.settings || {};
  const inputs = {
    defaultTtlMs: h('input', { type: 'number', min: 0, value: s.defaultTtlMs }),
    maxTtlMs: h('input', { type: 'number', min: 0, value: s.maxTtlMs }),
    l1MaxEntries: h('input', { type: 'number', min: 0, value: s.l1MaxEntries }),
    staleGraceMs: h('input', { type: 'number', min: 0, value: s.staleGraceMs }),
    refreshAheadRatio: h('input', { type: 'number', min: 0, max: 1, step: 0.05, value: s.refreshAheadRatio }),
  };
  const d = dialog(`settings of ${n.name}`, h('form', { id: 'ns-settings-form', onsubmit: async (e) => {
    e.preventDefault();
    const body = { ...s };
    for (const [k, el] of Object.entries(inputs)) body[k] = Number(el.value);
    if (await act(`settings of ${n.name}`, () => api(`/api/v1/cache/namespaces/${enc(n.name)}`, { method: 'PUT', body })) !== undefined) d.close();
  } }, Object.entries(inputs).map(([k, el]) => field(k, el)), h('button', { type: 'submit', class: 'action', dataset: { role: 'admin' } }, 'Save')));
}

start({
  title: 'cache-service',
  service: 'cache-service',
  sections: [
    { id: 'namespaces', label: 'Namespaces' },
    { id: 'lookup', label: 'Key lookup' },
    { id: 'jobs', label: 'Invalidation jobs' },
    { id: 'policies', label: 'Rate-limit policies' },
  ],
  onRender: render,
}).catch(showProblem);
