/* newskg explorer, part 3: the graph (vis-network), legend and filters, search; the views
   (timeline, map, claims) hook into KG.onRefresh.
   The data comes from the JSON block only (never from markup); labels are set as text. */
(function () {
  "use strict";
  var KG = window.kgExplorer;
  var el = KG.el;
  var $ = function (id) { return document.getElementById(id); };
  var P = JSON.parse($("kg-payload").textContent);
  var N = P.nodes.length;
  KG.payload = P;
  KG.kinds = {};
  KG.types = {};
  P.legend.kinds.forEach(function (k) { KG.kinds[k.key] = k; });
  P.legend.eventTypes.forEach(function (t) { KG.types[t.key] = t; });
  KG.adjacency = P.nodes.map(function () { return []; });
  P.edges.forEach(function (e, k) { KG.adjacency[e.from].push(k); if (e.to !== e.from) KG.adjacency[e.to].push(k); });

  // What is drawn: nodes in the current view (the most important first) that pass the filters.
  // Unlinked nodes (no link to another shown node) are hidden unless asked for; `pinned` nodes
  // (searched, clicked in a view) are shown whatever.
  var shown = new Uint8Array(N), passes = new Uint8Array(N).fill(1), linked = new Uint8Array(N), pinned = {};
  function defaultView() {
    P.nodes.forEach(function (n) { shown[n.id] = n.view; });
    (P.focus ? P.focus.ids : []).forEach(function (id) { shown[id] = 1; });
  }
  defaultView();
  var filter = {kinds: new Set(Object.keys(KG.kinds)), types: new Set(Object.keys(KG.types))};
  function candidate(id) { return shown[id] === 1 && passes[id] === 1; }
  function visible(id) { return candidate(id) && (linked[id] === 1 || showIsolated() || pinned[id] === true); }
  function showIsolated() { return $("kg-isolated").checked; }
  function computeLinked() {
    linked.fill(0);
    P.edges.forEach(function (e) {
      if (e.from !== e.to && candidate(e.from) && candidate(e.to)) { linked[e.from] = 1; linked[e.to] = 1; }
    });
  }
  KG.passes = passes;
  KG.isVisible = visible;
  var minValue = Infinity, maxValue = -Infinity;
  P.nodes.forEach(function (n) { minValue = Math.min(minValue, n.value); maxValue = Math.max(maxValue, n.value); });
  KG.nodeRadius = function (n) {  // as vis-network scales `value` between scaling.min and max
    return maxValue > minValue ? 8 + 26 * (n.value - minValue) / (maxValue - minValue) : 14;
  };

  function clip(text, max) { return text.length > max ? text.slice(0, max - 1) + "\u2026" : text; }

  function tooltip(n) {
    var kind = KG.kinds[n.kind] || KG.kinds.Event;
    var lines = [n.label, kind.label + (n.kind === "Event" && KG.types[n.type] ? ": " + KG.types[n.type].label : "")];
    if (n.aliases && n.aliases.length) lines.push("Also: " + n.aliases.slice(0, 8).join("; ") + (n.aliases.length > 8 ? " \u2026" : ""));
    if (n.kind === "Event" && (n.date || n.timeText)) lines.push("When: " + KG.when(n));
    lines.push(n.mentions + " mention" + (n.mentions === 1 ? "" : "s") + " \u00b7 click for evidence");
    return el("div", null, lines.join("\n"));
  }

  function visNode(n) {
    var kind = KG.kinds[n.kind] || KG.kinds.Event, colour = KG.nodeColour(n);
    var node = {id: n.id, shape: kind.shape, value: n.value,
      title: tooltip(n), color: {background: colour, border: colour, highlight: {background: colour, border: "#111"},
      hover: {background: colour, border: "#111"}}};
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  }

  var nodes = new vis.DataSet(P.nodes.map(visNode));
  var edges = new vis.DataSet(P.edges.map(function (e, k) {
    return {id: k, from: e.from, to: e.to, label: e.label, value: Math.max(1, e.n),
            dashes: e.kind === "comention", arrows: P.comention ? "" : "to"};
  }));
  computeLinked();  // before the views exist, so that they are filtered once, not twice
  var nodeView = new vis.DataView(nodes, {filter: function (item) { return visible(item.id); }});
  var edgeView = new vis.DataView(edges, {filter: function (item) { return visible(item.from) && visible(item.to); }});
  var physics = false;  // positions come from Python (large graphs) or KG.forceLayout (the rest)
  var network = new vis.Network($("kg-graph"), {nodes: nodeView, edges: edgeView}, {
    autoResize: true,
    layout: {randomSeed: P.seed, improvedLayout: physics},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: P.big, hideEdgesOnZoom: P.big},
    nodes: {borderWidth: 1, borderWidthSelected: 3,
            scaling: {min: 8, max: 34, label: {enabled: true, min: 11, max: 22, drawThreshold: 6}},
            font: {size: 13, strokeWidth: 3, strokeColor: "#ffffff"}},
    edges: {smooth: false, width: 1, color: {color: "#a9afb6", highlight: "#222222", hover: "#555555", inherit: false},
            arrows: {to: {scaleFactor: 0.45}}, font: {size: 9, color: "#555555", strokeWidth: 3, align: "middle"},
            scaling: {min: 1, max: 5, label: {enabled: true, min: 9, max: 9, drawThreshold: 8}}},
    physics: physics ? {enabled: true, solver: "forceAtlas2Based", minVelocity: 0.75,
                        forceAtlas2Based: {gravitationalConstant: -70, springLength: 110, avoidOverlap: 0.2},
                        stabilization: {enabled: true, iterations: 500, updateInterval: 50, fit: true}}
                     : {enabled: false}
  });
  KG.network = network;
  KG.visibleCount = function () { return nodeView.length; };
  KG.onRefresh = [];  // after the filters change
  KG.onSelect = [];  // after a node is selected

  // ---- layout of what is shown, labels by importance ------------------------------------------
  var byRank = P.nodes.map(function (n) { return n.id; }).sort(function (a, b) { return P.nodes[a].rank - P.nodes[b].rank; });
  var shownByRank = [];
  KG.layoutRuns = 0;
  function relayout() {  // ids in id order, so the layout depends on what is shown, not on ranks
    var ids = shownByRank.slice().sort(function (a, b) { return a - b; }), at = {}, pairs = [];
    ids.forEach(function (id, j) { at[id] = j; });
    P.edges.forEach(function (e) {
      if (at[e.from] !== undefined && at[e.to] !== undefined && e.from !== e.to) pairs.push([at[e.from], at[e.to]]);
    });
    var pos = KG.forceLayout(ids, pairs, P.seed);
    if (pos) {
      nodes.update(ids.map(function (id) { return {id: id, x: pos[id].x, y: pos[id].y}; }));
      KG.layoutRuns++;
    }
    network.fit({animation: false});
  }
  KG.relayout = relayout;
  network.on("afterDrawing", function (ctx) {
    KG.paintLabels(network, ctx, shownByRank, network.getSelectedNodes().filter(visible));
  });

  function status() {
    var text = "Showing " + nodeView.length + " of " + N + " nodes, " + edgeView.length + " of " + P.edges.length + " links";
    if (!edgeLabels) text += " (too many to label: click a node or link to read its relations)";
    if (P.focus) text += " \u00b7 neighbourhood of " + P.focus.labels.join(", ") + " (depth " + P.focus.depth + ")";
    else if (P.big) text += " \u00b7 most important first";
    $("kg-status").textContent = text;
    var hiddenCount = 0;
    for (var i = 0; i < N; i++) if (!shown[i]) hiddenCount++;
    $("kg-show-all").hidden = hiddenCount === 0;
    var unlinked = 0;
    for (var j = 0; j < N; j++) if (candidate(j) && !linked[j]) unlinked++;
    $("kg-isolated-count").textContent = String(unlinked);
    $("kg-show-all").textContent = "Show all " + N;
  }

  // Thousands of edge labels cost seconds per frame: beyond this many links, the side panel names them.
  var EDGE_LABEL_LIMIT = 1500, edgeLabels = true;
  function labelMode() {
    var wanted = edgeView.length <= EDGE_LABEL_LIMIT;
    if (wanted !== edgeLabels) {
      edgeLabels = wanted;
      network.setOptions({edges: {font: {size: wanted ? 9 : 0}}});
    }
  }
  function refresh(again, viewsAreCurrent) {
    computeLinked();
    shownByRank = byRank.filter(visible);
    if (!viewsAreCurrent) {
      nodeView.refresh();
      edgeView.refresh();
    }
    labelMode();
    status();
    if (again) relayout();
    KG.onRefresh.forEach(function (hook) { hook(); });
  }
  KG.refresh = refresh;

  function notice(text) {
    var box = $("kg-notice");
    box.textContent = text;
    box.hidden = !text;
  }

  // ---- filters -------------------------------------------------------------------------------
  function dateRange(d) {
    var parts = d.split("-");
    if (parts.length === 1) return [d + "-01-01", d + "-12-31"];
    if (parts.length === 2) return [d + "-01", d + "-31"];
    return [d, d];
  }
  function inRange(d, from, to) {
    var r = dateRange(d);
    return (!from || r[1] >= from) && (!to || r[0] <= to);
  }
  function datePasses(n, from, to, hideUndated) {  // an event without a time of its own: its article's date
    var published = (n.docs || []).map(function (d) { return P.articles[d].date; }).filter(Boolean)[0];
    if (n.kind === "Event") return n.date ? inRange(n.date, from, to) : published && (from || to) ? inRange(published, from, to) : !hideUndated;
    if (!from && !to) return true;
    var dates = (n.docs || []).map(function (d) { return P.articles[d].date; }).filter(Boolean);
    return !dates.length || dates.some(function (d) { return inRange(d, from, to); });
  }
  function applyFilters() {
    var article = $("kg-article").value, from = $("kg-date-from").value, to = $("kg-date-to").value;
    var hideUndated = $("kg-undated").checked;
    P.nodes.forEach(function (n) {
      var ok = filter.kinds.has(n.kind) && (n.kind !== "Event" || filter.types.has(n.type));
      if (ok && article !== "") ok = (n.docs || []).indexOf(Number(article)) >= 0;
      if (ok && (from || to || hideUndated)) ok = datePasses(n, from, to, hideUndated);
      if (ok && KG.extraFilter) ok = KG.extraFilter(n);
      passes[n.id] = ok ? 1 : 0;
    });
    refresh(true);
  }
  KG.applyFilters = applyFilters;
  function resetFilters() {
    filter.kinds = new Set(Object.keys(KG.kinds));
    filter.types = new Set(Object.keys(KG.types));
    document.querySelectorAll(".kg-legend input").forEach(function (box) { box.checked = true; });
    $("kg-article").value = "";
    $("kg-date-from").value = "";
    $("kg-date-to").value = "";
    $("kg-undated").checked = false;
    if (KG.clearExtraFilters) KG.clearExtraFilters();
    passes.fill(1);
  }

  function legendItem(list, entry, shape, set) {
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) set().add(entry.key); else set().delete(entry.key);
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(KG.swatch(entry.color, shape));
    label.appendChild(document.createTextNode(entry.label));
    label.appendChild(el("span", "kg-count", entry.count));
    li.appendChild(label);
    list.appendChild(li);
  }
  P.legend.kinds.forEach(function (k) {
    if (k.count) legendItem($("kg-kinds"), k, k.shape, function () { return filter.kinds; });
  });
  P.legend.eventTypes.forEach(function (t) {
    legendItem($("kg-event-types"), t, KG.kinds.Event.shape, function () { return filter.types; });
  });
  if (!P.legend.eventTypes.length) $("kg-event-types").appendChild(el("li", "kg-hint", "No events."));
  P.articles.forEach(function (a, i) {
    var option = el("option", null, clip((a.date ? a.date + " \u00b7 " : "") + (a.title || a.id), 60));
    option.value = String(i);
    $("kg-article").appendChild(option);
  });
  ["kg-article", "kg-date-from", "kg-date-to", "kg-undated", "kg-isolated"].forEach(function (id) {
    $(id).addEventListener("change", applyFilters);
  });

  // ---- focus, neighbours ---------------------------------------------------------------------
  KG.hiddenNeighbours = function (id) {
    var count = 0;
    KG.adjacency[id].forEach(function (k) {
      var e = P.edges[k], other = e.from === id ? e.to : e.from;
      if (!shown[other]) count++;
    });
    return count;
  };
  KG.showNeighbours = function (id) {
    KG.adjacency[id].forEach(function (k) { shown[P.edges[k].from] = 1; shown[P.edges[k].to] = 1; });
    refresh();
  };
  KG.focusNode = function (id, quiet) {
    notice("");
    if (!visible(id)) { shown[id] = 1; pinned[id] = true; refresh(); }
    if (!passes[id]) {
      resetFilters();
      refresh(true);
      notice("Filters were cleared to show \u201c" + P.nodes[id].label + "\u201d.");
    }
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(1, network.getScale()), animation: quiet ? false : {duration: 350}});
    KG.showNode(id);
    KG.current = id;
    KG.onSelect.forEach(function (hook) { hook(id); });
  };
  network.on("click", function (params) {
    if (params.nodes.length) { KG.showNode(params.nodes[0]); KG.current = params.nodes[0]; KG.onSelect.forEach(function (hook) { hook(params.nodes[0]); }); }
    else if (params.edges.length) KG.showEdge(params.edges[0]);
  });

  // ---- search --------------------------------------------------------------------------------
  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  var names = P.nodes.map(function (n) { return [n.label].concat(n.aliases || []).map(fold); });
  KG.search = function (query) {
    var q = fold(query), hits = [];
    if (!q) return hits;
    names.forEach(function (list, i) {
      var best = 9, which = 0;
      list.forEach(function (name, j) {
        var score = name === q ? 0 : name.indexOf(q) === 0 ? 1 : name.indexOf(q) > 0 ? 2 : 9;
        if (score < best) { best = score; which = j; }
      });
      if (best < 9) hits.push({id: i, score: best, event: P.nodes[i].kind === "Event" ? 1 : 0, alias: which});
    });
    hits.sort(function (a, b) {
      return a.score - b.score || a.event - b.event || P.nodes[a.id].rank - P.nodes[b.id].rank;
    });
    return hits.slice(0, 25);
  };
  var results = $("kg-results"), search = $("kg-search");
  function showResults() {
    var hits = KG.search(search.value);
    results.replaceChildren();
    hits.forEach(function (h) {
      var n = P.nodes[h.id], li = el("li"), b = el("button");
      b.type = "button";
      b.appendChild(KG.swatch(KG.nodeColour(n), (KG.kinds[n.kind] || KG.kinds.Event).shape));
      b.appendChild(document.createTextNode(" " + clip(n.label, 90) + " "));
      var sub = (KG.kinds[n.kind] || KG.kinds.Event).label + (h.alias ? " \u00b7 also called " + n.aliases[h.alias - 1] : "");
      b.appendChild(el("span", "kg-sub", sub));
      b.addEventListener("click", function () { results.hidden = true; KG.focusNode(h.id); });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (!hits.length && search.value.trim()) results.appendChild(el("li", "kg-hint", "  No node has this name."));
    results.hidden = !search.value.trim();
  }
  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var hits = KG.search(search.value);
      if (hits.length) { results.hidden = true; KG.focusNode(hits[0].id); }
    } else if (event.key === "Escape") {
      results.hidden = true;
    } else if (event.key === "ArrowDown" && results.querySelector("button")) {
      event.preventDefault();
      results.querySelector("button").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!$("kg-searchbox").contains(event.target)) results.hidden = true;
  });

  // ---- buttons, start ------------------------------------------------------------------------
  $("kg-fit").addEventListener("click", function () { network.fit(); });
  $("kg-show-all").addEventListener("click", function () { shown.fill(1); refresh(true); });
  KG.resetFilters = function () { resetFilters(); applyFilters(); };
  $("kg-reset").addEventListener("click", function () {
    resetFilters();
    defaultView();
    pinned = {};
    notice("");
    network.unselectAll();
    refresh(true);
  });

  var settled = false;
  function ready() {
    if (window.__ready) return;
    window.__ready = true;
    window.__readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
    if (P.focus && P.focus.ids.length) KG.focusNode(P.focus.ids[0], true);
  }
  network.on("afterDrawing", function () { if (settled) ready(); });
  KG.start = function () {  // called by the last script, once every view has hooked in
    refresh(!P.big, true);
    if (P.big) network.fit({animation: false});
    settled = true;
    network.redraw();
    if (!nodeView.length) ready();
  };
})();
