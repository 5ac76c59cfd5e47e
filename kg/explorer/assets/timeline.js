/* newskg explorer, part 4: the timeline, a proportional time axis. A histogram of events per
   day, week, month or year (whichever suits the span), each event as a diamond at its own time
   (a bar shows how vague: a month, a year) or, when the article gives no time, as a hollow circle
   at the article's publication date. Drag across the axis to keep only that period in the graph
   (it sets the date filter), scroll to zoom, double-click to see everything again. SVG built with
   createElementNS; every string set as text. */
(function () {
  "use strict";
  var KG = window.kgExplorer, P = KG.payload, $ = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg", DAY = 86400000;
  function svg(tag, attrs, cls) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (cls) node.setAttribute("class", cls);
    return node;
  }
  function time(iso) { return Date.parse(iso + "T00:00:00Z"); }
  function span(d) {  // [start, end) of "2020", "2020-01" or "2020-01-15", in ms
    var p = d.split("-");
    if (p.length === 1) return [time(d + "-01-01"), time((Number(d) + 1) + "-01-01")];
    if (p.length === 2) {
      var next = Number(p[1]) === 12 ? (Number(p[0]) + 1) + "-01" : p[0] + "-" + String(Number(p[1]) + 1).padStart(2, "0");
      return [time(d + "-01"), time(next + "-01")];
    }
    return [time(d), time(d) + DAY];
  }
  function iso(t) { return new Date(t).toISOString().slice(0, 10); }

  var items = [], undated = 0;  // {id, start, end, pub}
  P.timeline.forEach(function (id) {
    var n = P.nodes[id], own = n.date && /^-?\d{4}(-\d{2}){0,2}$/.test(n.date) ? span(n.date) : null;
    var pub = (n.docs || []).map(function (d) { return P.articles[d].date; }).filter(Boolean)[0];
    if (own && !isNaN(own[0])) items.push({id: id, start: own[0], end: own[1], pub: false});
    else if (pub && !isNaN(time(pub))) items.push({id: id, start: time(pub), end: time(pub) + DAY, pub: true});
    else undated++;
  });
  var full = items.length ? [Math.min.apply(null, items.map(function (i) { return i.start; })),
                             Math.max.apply(null, items.map(function (i) { return i.end; }))] : [0, DAY];
  var pad = Math.max(DAY, (full[1] - full[0]) * 0.03);
  full = [full[0] - pad, full[1] + pad];
  var domain = full.slice(), brush = null, width = 800, height = 150, root = null;
  var M = {left: 10, right: 10, top: 6, bottom: 18}, marks = {};

  function x(t) { return M.left + (t - domain[0]) / (domain[1] - domain[0]) * (width - M.left - M.right); }
  function t(px) { return domain[0] + (px - M.left) / (width - M.left - M.right) * (domain[1] - domain[0]); }
  function unit(spanMs) {
    if (spanMs <= 90 * DAY) return ["day", DAY];
    if (spanMs <= 3 * 365 * DAY) return ["week", 7 * DAY];
    if (spanMs <= 10 * 365 * DAY) return ["month", 30.44 * DAY];
    return ["year", 365.25 * DAY];
  }
  function binStart(ms, kind) {
    var d = new Date(ms);
    if (kind === "year") return Date.UTC(d.getUTCFullYear(), 0, 1);
    if (kind === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (kind === "week") return ms - ((d.getUTCDay() + 6) % 7) * DAY - ms % DAY;
    return ms - ms % DAY;
  }
  function ticks() {
    var years = (domain[1] - domain[0]) / (365.25 * DAY), out = [], d = new Date(domain[0]);
    if (years > 2) {
      var step = Math.max(1, Math.ceil(years / 10));
      for (var y = d.getUTCFullYear(); Date.UTC(y, 0, 1) < domain[1]; y++) if (y % step === 0) out.push([Date.UTC(y, 0, 1), String(y)]);
    } else {
      var stepM = years > 0.6 ? 3 : 1;
      for (var m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1); m < domain[1];) {
        var md = new Date(m);
        if (md.getUTCMonth() % stepM === 0) out.push([m, iso(m).slice(0, 7)]);
        m = Date.UTC(md.getUTCFullYear(), md.getUTCMonth() + 1, 1);
      }
    }
    return out.filter(function (tick) { return tick[0] >= domain[0]; });
  }

  function render() {
    var box = $("kg-axis");
    width = Math.max(200, box.clientWidth);
    height = Math.max(80, box.clientHeight);
    root = svg("svg", {width: width, height: height, "aria-label": "Events on a time axis"});
    var base = height - M.bottom, live = items.filter(function (i) { return KG.passes[i.id]; });
    var kind = unit(domain[1] - domain[0]), counts = {}, most = 1;
    live.forEach(function (i) {
      var b = binStart(i.start, kind[0]);
      counts[b] = (counts[b] || 0) + 1;
      most = Math.max(most, counts[b]);
    });
    Object.keys(counts).forEach(function (b) {
      var x0 = x(Number(b)), x1 = Math.max(x0 + 2, x(Number(b) + kind[1])), h = (base - M.top) * 0.5 * counts[b] / most;
      var bar = svg("rect", {x: x0, y: base - h, width: x1 - x0 - 0.5, height: h}, "kg-bar");
      bar.appendChild(svg("title")).textContent = counts[b] + " event" + (counts[b] === 1 ? "" : "s") + " (" + kind[0] + " of " + iso(Number(b)) + ")";
      root.appendChild(bar);
    });
    root.appendChild(svg("line", {x1: M.left, x2: width - M.right, y1: base, y2: base}, "kg-tick"));
    ticks().forEach(function (tick) {
      root.appendChild(svg("line", {x1: x(tick[0]), x2: x(tick[0]), y1: base, y2: base + 4}, "kg-tick"));
      var label = svg("text", {x: x(tick[0]) + 2, y: base + 15}, "kg-tick-label");
      label.textContent = tick[1];
      root.appendChild(label);
    });
    if (brush) root.appendChild(svg("rect", {x: x(brush[0]), y: M.top, width: Math.max(1, x(brush[1]) - x(brush[0])), height: base - M.top}, "kg-brush"));
    marks = {};
    var lanes = [], laneHeight = 11, maxLanes = Math.max(1, Math.floor((base - M.top - 6) / laneHeight));
    items.slice().sort(function (a, b) { return a.start - b.start || a.id - b.id; }).forEach(function (i) {
      var px = x(i.start), lane = 0;
      while (lane < maxLanes - 1 && lanes[lane] !== undefined && lanes[lane] > px - 10) lane++;
      lanes[lane] = px;
      var cy = base - 7 - lane * laneHeight, n = P.nodes[i.id], colour = KG.nodeColour(n);
      if (!i.pub && x(i.end) - px > 4) root.appendChild(svg("line", {x1: px, x2: x(i.end), y1: cy, y2: cy, stroke: colour}, "kg-span"));
      var mark = i.pub ? svg("circle", {cx: px, cy: cy, r: 4, stroke: colour}, "kg-ev kg-pub")
                       : svg("path", {d: "M" + px + " " + (cy - 5) + "l5 5l-5 5l-5-5z", fill: colour}, "kg-ev");
      if (i.id === KG.current) mark.setAttribute("class", mark.getAttribute("class") + " kg-current");
      if (!KG.passes[i.id]) mark.setAttribute("class", mark.getAttribute("class") + " kg-out");  // filtered out: faded
      mark.setAttribute("data-id", String(i.id));
      mark.appendChild(svg("title")).textContent = n.label + "\n" + (i.pub ? "published " + iso(i.start) + " (the article gives no time)" : KG.when(n));
      marks[i.id] = mark;
      root.appendChild(mark);
    });
    box.replaceChildren(root);
    $("kg-timeline-count").textContent = live.length + " of " + items.length + " dated events (\u25c6 own time, \u25cb article's date), "
      + undated + " undated" + (brush ? " \u00b7 " + iso(brush[0]) + " to " + iso(brush[1] - 1) : "");
    $("kg-brush-clear").hidden = !brush;
    attach();
  }

  function attach() {
    var start = null, rect = null;
    root.addEventListener("click", function (e) {  // one listener for every marker
      var id = e.target.getAttribute && e.target.getAttribute("data-id");
      if (id !== null && id !== undefined && e.target.classList.contains("kg-ev")) KG.focusNode(Number(id));
    });
    root.addEventListener("mousedown", function (e) {
      if (e.target.classList && e.target.classList.contains("kg-ev")) return;  // a click on a marker
      start = e.offsetX;
      rect = svg("rect", {x: start, y: M.top, width: 1, height: height - M.bottom - M.top}, "kg-brush");
      root.appendChild(rect);
    });
    root.addEventListener("mousemove", function (e) {
      if (start === null) return;
      rect.setAttribute("x", String(Math.min(start, e.offsetX)));
      rect.setAttribute("width", String(Math.abs(e.offsetX - start)));
    });
    root.addEventListener("mouseup", function (e) {
      if (start === null) return;
      var a = Math.min(start, e.offsetX), b = Math.max(start, e.offsetX);
      start = null;
      if (b - a < 4) { render(); return; }
      setBrush([t(a), t(b)]);
    });
    root.addEventListener("wheel", function (e) {
      e.preventDefault();
      var at = t(e.offsetX), factor = e.deltaY > 0 ? 1.25 : 0.8;
      domain = [Math.max(full[0], at - (at - domain[0]) * factor), Math.min(full[1], at + (domain[1] - at) * factor)];
      if (domain[1] - domain[0] < DAY) domain = [at - DAY / 2, at + DAY / 2];
      render();
    }, {passive: false});
    root.addEventListener("dblclick", function () { domain = full.slice(); render(); });
  }

  function setBrush(range) {  // a period on the axis becomes the date filter of the whole page
    brush = range;
    $("kg-date-from").value = range ? iso(range[0]) : "";
    $("kg-date-to").value = range ? iso(range[1] - 1) : "";
    KG.applyFilters();
  }
  $("kg-brush-clear").addEventListener("click", function () { setBrush(null); });
  ["kg-date-from", "kg-date-to"].forEach(function (id) {
    $(id).addEventListener("change", function () {
      var from = $("kg-date-from").value, to = $("kg-date-to").value;
      brush = from || to ? [from ? time(from) : full[0], to ? time(to) + DAY : full[1]] : null;
      render();
    });
  });
  KG.timeline = {x: function (ms) { return x(ms); }, time: time, setBrush: setBrush, items: items};
  KG.onRefresh.push(function () { if (!$("kg-date-from").value && !$("kg-date-to").value) brush = null; render(); });
  KG.onSelect.push(function (id) {
    Object.keys(marks).forEach(function (k) {
      var m = marks[k], cls = m.getAttribute("class").replace(" kg-current", "");
      m.setAttribute("class", Number(k) === id ? cls + " kg-current" : cls);
    });
  });
  window.addEventListener("resize", render);
})();
