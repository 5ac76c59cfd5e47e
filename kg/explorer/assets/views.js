/* newskg explorer, part 5: the map and the claims table, the tabs between them and the graph, and
   the start of the page. The map is SVG drawn from outlines shipped in the page (no tile server):
   markers sized by the events placed there, styled by precision (city, region, country); a click
   keeps the place, its events and their participants in the graph and timeline. The claims table
   lists quantities and statements grouped by what is claimed, by date, with source and speaker.
   Every string is set as text. */
(function () {
  "use strict";
  var KG = window.kgExplorer, P = KG.payload, el = KG.el, $ = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, cls) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (cls) node.setAttribute("class", cls);
    return node;
  }

  // ---- tabs --------------------------------------------------------------------------------------
  var drawn = {};
  KG.showView = function (view) {
    document.querySelectorAll("#kg-tabs button").forEach(function (b) {
      b.setAttribute("aria-selected", String(b.dataset.view === view));
    });
    ["graph", "map", "claims"].forEach(function (v) { $("kg-" + v).hidden = v !== view; });
    if (view === "map" && !drawn.map) { drawn.map = true; drawMap(); }
    if (view === "claims" && !drawn.claims) { drawn.claims = true; drawClaims(); }
    if (view === "graph") KG.network.redraw();
    KG.view = view;
  };
  document.querySelectorAll("#kg-tabs button").forEach(function (b) {
    b.addEventListener("click", function () { KG.showView(b.dataset.view); });
  });
  if (!P.map) $("kg-tab-map").hidden = true;

  // ---- place filter (from the map) ---------------------------------------------------------------
  var placeFilter = null;  // Set of node ids kept, or null
  function placeSet(place) {
    var keep = new Set([place]), events = [];
    KG.adjacency[place].forEach(function (k) {
      var e = P.edges[k];
      if (e.to === place && (e.kind === "place" || e.label === "contained in place")) { keep.add(e.from); events.push(e.from); }
    });
    events.forEach(function (ev) {
      KG.adjacency[ev].forEach(function (k) { var e = P.edges[k]; if (e.from === ev) keep.add(e.to); });
    });
    return keep;
  }
  KG.extraFilter = function (n) { return !placeFilter || placeFilter.has(n.id); };
  KG.clearExtraFilters = function () { placeFilter = null; placeNote(null); markMap(null); };
  function placeNote(place) {
    var box = $("kg-view-filter");
    box.replaceChildren();
    if (place === null) return;
    box.appendChild(document.createTextNode("Only " + P.nodes[place].label + " and its events "));
    var clear = el("button", null, "show all places");
    clear.type = "button";
    clear.addEventListener("click", function () { KG.filterPlace(null); });
    box.appendChild(clear);
  }
  KG.filterPlace = function (place) {
    placeFilter = place === null ? null : placeSet(place);
    placeNote(place);
    markMap(place);
    KG.applyFilters();
  };

  // ---- map ---------------------------------------------------------------------------------------
  var markers = {};
  function markMap(place) {
    Object.keys(markers).forEach(function (id) {
      var m = markers[id];
      m.setAttribute("class", m.getAttribute("class").replace(" kg-current", "") + (Number(id) === place ? " kg-current" : ""));
    });
  }
  function drawMap() {
    var M = P.map, box = $("kg-map"), root = svg("svg", {"aria-label": "Places on a world map"});
    if (!M) { box.replaceChildren(el("p", "kg-hint", "No place in these articles has a known position.")); return; }
    var xs = M.markers.map(function (m) { return m.x; }), ys = M.markers.map(function (m) { return m.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var w = Math.max(300, (x1 - x0) * 1.5), h = Math.max(180, (y1 - y0) * 1.5);
    var view = [(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, w, h];
    function setView() { root.setAttribute("viewBox", view.map(function (v) { return v.toFixed(1); }).join(" ")); }
    setView();
    root.setAttribute("preserveAspectRatio", "xMidYMid meet");
    var land = svg("g");
    M.countries.forEach(function (c) {
      var path = svg("path", {d: c[1]}, "kg-country");
      path.appendChild(svg("title")).textContent = c[0];
      land.appendChild(path);
    });
    root.appendChild(land);
    var order = M.markers.slice().sort(function (a, b) { return b.events - a.events || a.id - b.id; });
    var px = Math.max(w / Math.max(1, box.clientWidth), h / Math.max(1, box.clientHeight));  // map units a pixel
    order.forEach(function (m) {
      var n = P.nodes[m.id], r = px * (m.precision === "country" ? 9 : m.precision === "region" ? 7 : 4) * (1 + Math.sqrt(m.events) * 0.3);
      var dot = svg("circle", {cx: m.x, cy: m.y, r: r.toFixed(2), fill: KG.kinds.Place.color}, "kg-marker " + m.precision);
      dot.setAttribute("data-id", String(m.id));
      dot.appendChild(svg("title")).textContent = n.label + " (" + m.precision + ", " + m.events + " event" + (m.events === 1 ? "" : "s") + ")";
      dot.addEventListener("click", function () { KG.filterPlace(m.id); KG.showNode(m.id); });
      markers[m.id] = dot;
      root.appendChild(dot);
      if (m.precision !== "region") {
        var label = svg("text", {x: m.x + r + px * 2, y: m.y + px * 4, "font-size": (px * 12).toFixed(2)}, "kg-map-label");
        label.textContent = n.label;
        root.appendChild(label);
      }
    });
    root.addEventListener("wheel", function (e) {
      e.preventDefault();
      var f = e.deltaY > 0 ? 1.2 : 1 / 1.2, rect = root.getBoundingClientRect();
      var fx = (e.clientX - rect.left) / rect.width, fy = (e.clientY - rect.top) / rect.height;
      var nw = Math.min(M.width, view[2] * f), nh = Math.min(M.height, view[3] * f);
      view = [view[0] + (view[2] - nw) * fx, view[1] + (view[3] - nh) * fy, nw, nh];
      setView();
    }, {passive: false});
    box.replaceChildren(root);
    KG.mapMarkers = markers;
  }

  // ---- claims ------------------------------------------------------------------------------------
  function cell(row, text, cls) { var td = el("td", cls, text); row.appendChild(td); return td; }
  function drawClaims() {
    var box = $("kg-claims");
    box.replaceChildren();
    if (!P.claims.length) { box.appendChild(el("p", "kg-hint", "No quantity or statement in these articles.")); return; }
    box.appendChild(el("p", "kg-hint", "Who says what number, and what, when: grouped by what is claimed, sorted by date. "
      + "Rows shaded orange disagree with another source about the same thing at the same time. "
      + "A date marked \u2020 is the article's publication date (the text gives none)."));
    var groups = [];
    P.claims.forEach(function (c) {
      var last = groups[groups.length - 1];
      if (!last || last.kind !== c.kind || last.what !== c.what) groups.push(last = {kind: c.kind, what: c.what, rows: []});
      last.rows.push(c);
    });
    [["quantity", "Quantities"], ["statement", "Statements"]].forEach(function (part) {
      var mine = groups.filter(function (g) { return g.kind === part[0]; });
      if (!mine.length) return;
      box.appendChild(el("h2", null, part[1]));
      mine.forEach(function (g) {
        box.appendChild(el("h3", null, g.what));
        var table = el("table"), head = el("tr");
        (part[0] === "quantity" ? ["Value", "Qualifier", "Place", "As written", "When", "Source", "Speaker"]
                                : ["What was said", "When", "Source", "Speaker"]).forEach(function (h) { head.appendChild(el("th", null, h)); });
        table.appendChild(head);
        g.rows.forEach(function (c) {
          var tr = el("tr", c.disagree ? "kg-disagree" : null);
          if (part[0] === "quantity") {
            cell(tr, c.value + (c.unit ? " " + c.unit : ""), "kg-value");
            cell(tr, c.qualifier || "");
            cell(tr, c.place || "");
            cell(tr, c.written || "");
          } else {
            var what = cell(tr, "");
            if (c.event !== undefined) what.appendChild(KG.nodeLink(c.event, c.value));
            else what.textContent = c.value;
          }
          cell(tr, (c.date ? c.date + (c.pub ? " \u2020" : "") : "") + (c.when && c.when !== c.date ? " (\u201c" + c.when + "\u201d)" : ""));
          var source = cell(tr, ""), a = P.articles[c.a];
          var open = el("button", "kg-link", a ? (a.title || a.id) : "unknown article");
          open.type = "button";
          open.title = "Show the sentence";
          open.addEventListener("click", function () { KG.showClaim(c); });
          source.appendChild(open);
          cell(tr, (c.speaker || []).join("; "));
          table.appendChild(tr);
        });
        box.appendChild(table);
      });
    });
  }
  KG.nodeLink = function (id, text) {
    var b = el("button", "kg-link", text);
    b.type = "button";
    b.addEventListener("click", function () { KG.showView("graph"); KG.focusNode(id); });
    return b;
  };

  setTimeout(KG.start, 0);  // a task of its own: the page's longest task stays vis-network's setup
})();
