// The public status page: reads /api/v1/page (public, cached two seconds by the service) and redraws every 10 s.
// No build step, no framework: it has to work through `kubectl port-forward` with nothing else around.
(function () {
  'use strict';
  var REFRESH_MS = 10000;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }

  function ago(iso) {
    if (!iso) { return 'never'; }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  }

  function spark(values) {
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 120 28');
    if (values.length > 1) {
      var max = Math.max.apply(null, values) || 1;
      var pts = values.map(function (v, i) {
        return (i * 120 / (values.length - 1)).toFixed(1) + ',' + (26 - v * 24 / max).toFixed(1);
      }).join(' ');
      var line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      line.setAttribute('points', pts);
      svg.appendChild(line);
    }
    var title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = values.length ? 'last ' + values.length + ' checks, latest ' + values[values.length - 1] + ' ms' : 'no checks yet';
    svg.appendChild(title);
    return svg;
  }

  function targetRow(t) {
    var bars = el('div', { 'class': 'bars', title: '24 h uptime, one bar per hour' });
    t.bars.forEach(function (b) {
      var label = new Date(b.start).toISOString().substring(11, 16) + ' UTC: ' +
        (b.uptimePercent === null ? 'no data' : b.uptimePercent.toFixed(1) + ' %');
      bars.appendChild(el('span', { 'class': b.worst ? 'b-' + b.worst : '', title: label }));
    });
    var why = t.reason || (t.lastError ? 'last error ' + ago(t.lastErrorAt) + ': ' + t.lastError : '');
    if (t.maintenance) { why = 'in maintenance. ' + why; }
    return el('div', { 'class': 'target', 'data-target': t.name, 'data-state': t.state }, [
      el('div', {}, [el('div', { 'class': 'name', text: t.name }), el('div', { 'class': 'why', text: why })]),
      el('div', {}, [el('span', { 'class': 'pill state-' + t.state, text: t.state })]),
      bars,
      spark(t.latencies),
      el('div', { 'class': 'uptime', text: t.uptime24hPercent === null ? '–' : t.uptime24hPercent.toFixed(2) + ' %' })
    ]);
  }

  function render(page) {
    var overall = document.getElementById('overall');
    overall.className = 'pill state-' + page.overall;
    overall.textContent = page.overall === 'UP' ? 'All systems operational' : page.overall;
    var banner = document.getElementById('banner');
    banner.hidden = !page.banner;
    banner.textContent = page.banner || '';

    var groups = document.getElementById('groups');
    groups.replaceChildren();
    page.groups.forEach(function (g) {
      groups.appendChild(el('div', { 'class': 'group', 'data-group': g.name }, [
        el('h2', {}, [el('span', { text: g.name }), el('span', { 'class': 'pill state-' + g.status, text: g.status })])
      ].concat(g.targets.map(targetRow))));
    });

    var incidents = document.getElementById('incidents');
    var list = incidents.querySelector('.list');
    list.replaceChildren();
    page.incidents.forEach(function (i) {
      var updates = el('ul', { 'class': 'updates' }, i.updates.slice().reverse().map(function (u) {
        return el('li', { text: ago(u.at) + ' · ' + u.status + ': ' + u.message });
      }));
      list.appendChild(el('div', { 'class': 'incident ' + (i.status === 'resolved' ? 'resolved' : 'open'), 'data-incident': i.id }, [
        el('strong', { text: i.title }), el('span', { text: ' · ' + i.severity + ' · ' + i.status +
          (i.targets.length ? ' · ' + i.targets.join(', ') : '') }), updates
      ]));
    });
    incidents.hidden = page.incidents.length === 0;

    var maintenance = document.getElementById('maintenance');
    var ul = maintenance.querySelector('ul');
    ul.replaceChildren();
    page.maintenance.forEach(function (m) {
      ul.appendChild(el('li', { 'data-maintenance': m.id, text: m.title + ' · ' + m.targets.join(', ') + ' · ' +
        new Date(m.startsAt).toISOString().replace('T', ' ').substring(0, 16) + ' – ' +
        new Date(m.endsAt).toISOString().replace('T', ' ').substring(0, 16) + ' UTC' }));
    });
    maintenance.hidden = page.maintenance.length === 0;

    document.getElementById('updated').textContent = 'updated ' + new Date(page.generatedAt).toISOString().substring(11, 19) + ' UTC';
    document.getElementById('self').textContent = 'health-service ' + page.self.status;
    document.body.setAttribute('data-loaded', 'true');
  }

  function load() {
    fetch('api/v1/page', { headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) { document.getElementById('updated').textContent = 'cannot load status: ' + e.message; })
      .finally(function () { setTimeout(load, REFRESH_MS); });
  }

  document.getElementById('every').textContent = REFRESH_MS / 1000;
  load();
}());
