// Wall-TV dashboard client: one EventSource, full snapshots, no build step.
// The read-only token comes from the page URL (?token=...).
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token') || '';
  var palette = ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#ff7b72', '#39c5cf', '#e3b341', '#f778ba'];
  // Boot phases in order, and the event stages that mark each (DESIGN §1).
  var phases = [['dhcp', /^dhcp\./], ['tftp', /^tftp\./], ['ipxe', /^http\.ipxe/], ['bundle', /^http\.bundle/], ['ready', /^agent\.ready/]];
  // Names and states outlive a node's row, so a removed node's boot still has its name.
  var names = {}, states = {};
  var $ = function (id) { return document.getElementById(id); };
  var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };

  function render(s) {
    $('t-active').textContent = s.totals.active;
    $('t-agents').textContent = s.totals.agents;
    $('t-calls').textContent = s.totals.calls;
    var colour = {};
    s.tenants.forEach(function (t, i) { colour[t] = palette[i % palette.length]; });
    var max = Math.max(1, Math.max.apply(null, s.nodes.map(function (n) { return n.agents; })));
    $('nodes').className = s.nodes.length > 10 ? 'dense' : '';
    $('nodes').innerHTML = s.nodes.map(function (n) {
      var w = (100 * n.agents / max).toFixed(1), b = (100 * n.busy / max).toFixed(1);
      return '<div class="node" data-node="' + esc(n.name) + '" data-state="' + esc(n.state) + '" data-agents="' + n.agents + '">' +
        '<div class="name">' + esc(n.name) + '</div>' +
        '<div class="state ' + esc(n.state) + '">' + esc(n.state) + '</div>' +
        '<div class="bar"><div class="fill" style="width:' + w + '%;background:' + colour[n.tenant] + '"></div>' +
        '<div class="busy" style="width:' + b + '%"></div>' +
        '<div class="label">' + n.agents + ' agents' + (n.busy ? ' · ' + n.busy + ' on calls' : '') + ' · ' + esc(n.tenant) + '</div></div>' +
        '<div class="calls">' + n.calls + '<small>calls</small></div></div>';
    }).join('') + (s.tenants.length > 1 ? '<div class="legend">' + s.tenants.map(function (t) {
      return '<span><i style="background:' + colour[t] + '"></i>' + esc(t) + '</span>';
    }).join('') + '</div>' : '');
    $('draining').innerHTML = s.draining.length ? s.draining.map(function (n) { return '<li>' + esc(n) + '</li>'; }).join('') : '<li class="muted">none</li>';
    s.nodes.forEach(function (n) { names[n.id] = n.name; states[n.id] = n.state; });
    $('boots').innerHTML = s.boots.map(bootCard).join('') || '<div class="muted">none yet</div>';
  }

  // A boot card: the node, its state now, which boot phases it went through and
  // how long from its first boot step to phone-home. Agent moves are not boot steps.
  function bootCard(b) {
    var steps = b.steps.filter(function (x) { return !/^agent\.(moved|move-|rebalance)/.test(x.stage); });
    var first = steps[0], last = steps[steps.length - 1] || { stage: '', t: 0, level: 'info' };
    var done = {};
    steps.forEach(function (x) { phases.forEach(function (p) { if (p[1].test(x.stage)) done[p[0]] = x.t; }); });
    var end = done.ready || last.t;
    var secs = first ? ((end - first.t) / 1000).toFixed(1) + ' s' : '';
    var state = states[b.node] || (b.node && names[b.node] ? 'removed' : '');
    return '<div class="boot' + (last.level === 'error' ? ' failed' : '') + '"><div class="who">' + esc(names[b.node] || b.mac || b.node) +
      (state ? ' <span class="state ' + esc(state) + '">' + esc(state) + '</span>' : '') + '</div>' +
      '<div class="phases">' + phases.map(function (p) { return '<span class="' + (done[p[0]] ? 'on' : '') + '">' + p[0] + '</span>'; }).join('') +
      '<b>' + secs + '</b></div>' + (last.level === 'error' ? '<div class="last">' + esc(last.stage) + '</div>' : '') + '</div>';
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
