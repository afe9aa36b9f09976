// Wall-TV dashboard client: one EventSource, full snapshots, no build step.
// The read-only token comes from the page URL (?token=...).
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token') || '';
  var palette = ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#ff7b72', '#39c5cf', '#e3b341', '#f778ba'];
  var $ = function (id) { return document.getElementById(id); };
  var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };

  function render(s) {
    $('t-active').textContent = s.totals.active;
    $('t-agents').textContent = s.totals.agents;
    $('t-calls').textContent = s.totals.calls;
    var colour = {};
    s.tenants.forEach(function (t, i) { colour[t] = palette[i % palette.length]; });
    var max = Math.max(1, Math.max.apply(null, s.nodes.map(function (n) { return n.agents; })));
    $('nodes').innerHTML = s.nodes.map(function (n) {
      var w = (100 * n.agents / max).toFixed(1), b = (100 * n.busy / max).toFixed(1);
      return '<div class="node" data-node="' + esc(n.name) + '" data-agents="' + n.agents + '">' +
        '<div class="name">' + esc(n.name) + '</div>' +
        '<div class="state ' + esc(n.state) + '">' + esc(n.state) + '</div>' +
        '<div class="bar"><div class="fill" style="width:' + w + '%;background:' + colour[n.tenant] + '"></div>' +
        '<div class="busy" style="width:' + b + '%"></div>' +
        '<div class="label">' + n.agents + ' agents · ' + esc(n.tenant) + '</div></div>' +
        '<div class="calls">' + n.calls + '<small>calls</small></div></div>';
    }).join('') + (s.tenants.length > 1 ? '<div class="legend">' + s.tenants.map(function (t) {
      return '<span><i style="background:' + colour[t] + '"></i>' + esc(t) + '</span>';
    }).join('') + '</div>' : '');
    $('draining').innerHTML = s.draining.length ? s.draining.map(function (n) { return '<li>' + esc(n) + '</li>'; }).join('') : '<li class="muted">none</li>';
    var names = {};
    s.nodes.forEach(function (n) { names[n.id] = n.name; });
    $('boots').innerHTML = s.boots.map(function (b) {
      var last = b.steps[b.steps.length - 1] || { stage: '', t: 0, level: 'info' };
      var secs = b.steps.length ? ((last.t - b.steps[0].t) / 1000).toFixed(1) : '0';
      return '<div class="boot ' + (last.level === 'error' ? 'failed' : '') + '"><div class="who">' + esc(names[b.node] || b.mac || b.node) +
        '</div><div class="steps">' + b.steps.length + ' steps · ' + secs + ' s</div><div class="last">' + esc(last.stage) + '</div></div>';
    }).join('') || '<div class="muted">none yet</div>';
  }

  function connect() {
    var es = new EventSource('/v1/dashboard/stream?token=' + encodeURIComponent(token));
    es.addEventListener('snapshot', function (e) {
      $('conn').textContent = 'live';
      $('conn').className = 'conn live';
      render(JSON.parse(e.data));
    });
    es.onerror = function () {
      $('conn').textContent = 'reconnecting…';
      $('conn').className = 'conn down';
    };
  }
  connect();
})();
