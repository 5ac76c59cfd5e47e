/* newskg explorer, part 2: what makes the overview read. A seeded force layout of exactly the
   nodes shown (run again after every filter, so a filtered view fills the screen instead of
   keeping the whole graph's places), and node labels painted on the canvas in order of
   importance, skipping any that would overlap one already drawn: the most important names are
   readable at the first view and more appear as you zoom in. Labels are drawn with fillText,
   which cannot interpret markup. */
(function () {
  "use strict";
  var KG = (window.kgExplorer = window.kgExplorer || {});

  function random(seed) {  // mulberry32: the same seed gives the same layout in every browser
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  var LAYOUT_LIMIT = 900;  // above this many nodes the layout from Python is kept (O(n^2) per step)

  /* Fruchterman-Reingold over `ids` with links `pairs` ([i, j] indexes into ids); returns {id: {x, y}}
     or null when there are too many nodes. Gravity keeps unlinked pieces near the middle. */
  KG.forceLayout = function (ids, pairs, seed) {
    var n = ids.length;
    if (n > LAYOUT_LIMIT) return null;
    var rnd = random(seed), x = new Float64Array(n), y = new Float64Array(n);
    var dx = new Float64Array(n), dy = new Float64Array(n);
    var k = 70, radius = k * Math.sqrt(n) + 1;
    for (var i = 0; i < n; i++) {
      var angle = rnd() * 2 * Math.PI, r = radius * Math.sqrt(rnd());
      x[i] = r * Math.cos(angle);
      y[i] = r * Math.sin(angle);
    }
    var steps = n < 300 ? 300 : 150, temperature = radius / 3;
    for (var step = 0; step < steps; step++) {
      dx.fill(0);
      dy.fill(0);
      for (var a = 0; a < n; a++) {
        for (var b = a + 1; b < n; b++) {
          var ex = x[a] - x[b], ey = y[a] - y[b], d2 = ex * ex + ey * ey + 0.01;
          var f = k * k / d2;
          dx[a] += ex * f; dy[a] += ey * f; dx[b] -= ex * f; dy[b] -= ey * f;
        }
        var g = 0.06 * Math.sqrt(x[a] * x[a] + y[a] * y[a]) / k;  // gravity
        dx[a] -= x[a] * g; dy[a] -= y[a] * g;
      }
      pairs.forEach(function (p) {
        var ex = x[p[0]] - x[p[1]], ey = y[p[0]] - y[p[1]], d = Math.sqrt(ex * ex + ey * ey) + 0.01;
        var f = d / k;
        dx[p[0]] -= ex * f; dy[p[0]] -= ey * f; dx[p[1]] += ex * f; dy[p[1]] += ey * f;
      });
      for (var c = 0; c < n; c++) {
        var len = Math.sqrt(dx[c] * dx[c] + dy[c] * dy[c]) + 1e-9, move = Math.min(len, temperature);
        x[c] += dx[c] / len * move;
        y[c] += dy[c] / len * move;
      }
      temperature = Math.max(1, temperature * 0.97);
    }
    var out = {};
    ids.forEach(function (id, j) { out[id] = {x: Math.round(x[j]), y: Math.round(y[j])}; });
    return out;
  };

  var MAX_LABELS = 250, CANDIDATES = 1500, FONT = 12;

  function clip(text, max) { return text.length > max ? text.slice(0, max - 1) + "\u2026" : text; }

  /* Paint labels for `ids` (most important first) on the network's canvas context. */
  KG.paintLabels = function (network, ctx, ids, first) {
    var m = ctx.getTransform(), scale = m.a, taken = [], drawn = [];
    var width = ctx.canvas.width, height = ctx.canvas.height;
    var order = first.concat(ids.slice(0, CANDIDATES));
    var pos = network.getPositions(order), seen = {};
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    var ratio = window.devicePixelRatio || 1, px = FONT * ratio;
    ctx.font = px + "px system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (var i = 0; i < order.length && drawn.length < MAX_LABELS; i++) {
      var id = order[i], p = pos[id];
      if (seen[id] || !p) continue;
      seen[id] = true;
      var n = KG.payload.nodes[id], text = clip(n.label, n.kind === "Event" ? 42 : 30);
      var sx = m.a * p.x + m.c * p.y + m.e, sy = m.b * p.x + m.d * p.y + m.f;
      var w = ctx.measureText(text).width, size = (KG.nodeRadius ? KG.nodeRadius(n) : 10) * scale;
      var box = [sx - w / 2, sy + size + 2 * ratio, sx + w / 2, sy + size + 2 * ratio + px];
      if (box[2] < 0 || box[0] > width || box[3] < 0 || box[1] > height) continue;
      var clash = i >= first.length && taken.some(function (t) {
        return box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1];
      });
      if (clash) continue;
      taken.push([box[0] - 3 * ratio, box[1], box[2] + 3 * ratio, box[3]]);
      ctx.lineWidth = 3 * ratio;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(text, box[0], box[1]);
      ctx.fillStyle = n.kind === "Event" ? "#555555" : "#222222";
      ctx.fillText(text, box[0], box[1]);
      drawn.push(id);
    }
    ctx.restore();
    KG.labelled = drawn;
  };
})();
