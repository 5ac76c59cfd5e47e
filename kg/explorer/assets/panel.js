/* newskg explorer, part 1: DOM helpers and the side panel (what the articles say about a node or link).
   Every string from the data is untrusted article text: it only ever reaches the page through
   textContent / text nodes, and only http(s) URLs become links. */
(function () {
  "use strict";
  var KG = (window.kgExplorer = window.kgExplorer || {});

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeHref(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function externalLink(text, url) {
    var href = safeHref(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function swatch(colour, shape) {
    var s = el("span", "kg-swatch " + (shape || ""));
    s.style.background = colour;
    return s;
  }

  function nodeColour(n) {
    var kind = KG.kinds[n.kind] || KG.kinds.Event;
    if (n.kind === "Event" && KG.types[n.type]) return KG.types[n.type].color;
    return kind.color;
  }

  function nodeButton(id) {
    var n = KG.payload.nodes[id];
    var b = el("button", "kg-link", n.label);
    b.type = "button";
    b.addEventListener("click", function () { KG.focusNode(id); });
    return b;
  }

  /* A sentence with the given [start, end) ranges marked, built from text nodes and <mark>. */
  function highlighted(text, ranges) {
    var box = el("div", "kg-sentence");
    var spans = ranges.filter(function (r) {
      return r.length === 2 && r[0] >= 0 && r[1] <= text.length && r[0] < r[1];
    }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var at = 0;
    spans.forEach(function (r) {
      if (r[1] <= at) return;
      var start = Math.max(r[0], at);
      if (start > at) box.appendChild(document.createTextNode(text.slice(at, start)));
      box.appendChild(el("mark", null, text.slice(start, r[1])));
      at = r[1];
    });
    if (at < text.length) box.appendChild(document.createTextNode(text.slice(at)));
    return box;
  }

  function articleHeading(index) {
    var a = KG.payload.articles[index];
    var head = el("div", "kg-article");
    if (!a) { head.textContent = "Unknown article"; return head; }
    head.appendChild(externalLink(a.title || a.id, a.url));
    var bits = [a.date, a.publisher, a.title ? a.id : null].filter(Boolean);
    if (bits.length) head.appendChild(el("span", "kg-sub", " \u00b7 " + bits.join(" \u00b7 ")));
    return head;
  }

  /* Sentences (index -> list of ranges), grouped under their article's title, date and link. */
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function evidence(panel, bySentence, caption, total) {
    var sentences = KG.payload.sentences;
    var order = Object.keys(bySentence).map(Number).sort(function (a, b) { return a - b; });
    panel.appendChild(el("h2", null, caption));
    if (total > order.length) panel.appendChild(el("p", "kg-hint", "First " + order.length + " of " + plural(total, "sentence") + " shown."));
    if (!order.length) { panel.appendChild(el("p", "kg-hint", "No sentence recorded.")); return; }
    var last = null;
    order.forEach(function (s) {
      var sentence = sentences[s];
      if (sentence[0] !== last) { panel.appendChild(articleHeading(sentence[0])); last = sentence[0]; }
      panel.appendChild(highlighted(sentence[1], bySentence[s]));
    });
  }

  function rangesOf(n, into) {
    (n.ev || []).forEach(function (e) {
      (into[e[0]] = into[e[0]] || []);
      if (e.length === 3) into[e[0]].push([e[1], e[2]]);
    });
    return into;
  }

  function facts(panel, rows) {
    rows = rows.filter(function (r) { return r[1] !== undefined && r[1] !== null && r[1] !== ""; });
    if (!rows.length) return;
    var dl = el("dl", "kg-facts");
    rows.forEach(function (r) { dl.appendChild(el("dt", null, r[0])); dl.appendChild(el("dd", null, r[1])); });
    panel.appendChild(dl);
  }

  function section(panel, title, items) {
    if (!items.length) return;
    panel.appendChild(el("h2", null, title));
    var ul = el("ul");
    items.forEach(function (parts) {
      var li = el("li");
      parts.forEach(function (p) { li.appendChild(typeof p === "string" ? document.createTextNode(p) : p); });
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function when(n) {
    var text = n.date || n.when || "";
    if (n.timeText && n.timeText !== text) text = text ? text + " (\u201c" + n.timeText + "\u201d)" : "\u201c" + n.timeText + "\u201d";
    return text;
  }

  function header(panel, n) {
    panel.appendChild(el("h2", "kg-name", n.label));
    var kind = KG.kinds[n.kind] || KG.kinds.Event;
    var line = el("div", "kg-kind");
    line.appendChild(swatch(nodeColour(n), kind.shape));
    var text = kind.label;
    if (n.kind === "Event" && KG.types[n.type]) text += ": " + KG.types[n.type].label;
    var finer = (n.classes || []).filter(function (c) { return c !== n.kind && c !== n.type; });
    if (finer.length) text += " (" + finer.join(", ") + ")";
    line.appendChild(document.createTextNode(text));
    panel.appendChild(line);
    if (n.aliases && n.aliases.length) panel.appendChild(el("p", null, "Also called: " + n.aliases.join("; ")));
  }

  function buttons(panel, id) {
    var row = el("div", "kg-buttons");
    var hidden = KG.hiddenNeighbours(id);
    if (hidden) {
      var more = el("button", null, "Show neighbours (" + hidden + " more)");
      more.type = "button";
      more.addEventListener("click", function () { KG.showNeighbours(id); KG.showNode(id); });
      row.appendChild(more);
    }
    var centre = el("button", null, "Centre");
    centre.type = "button";
    centre.addEventListener("click", function () { KG.focusNode(id); });
    row.appendChild(centre);
    panel.appendChild(row);
  }

  KG.showNode = function (id) {
    var P = KG.payload, n = P.nodes[id], panel = document.getElementById("kg-panel");
    panel.replaceChildren();
    header(panel, n);
    var isEvent = n.kind === "Event";
    facts(panel, isEvent ? [["Status", n.status], ["When", when(n)], ["Confidence", n.confidence],
                            ["Amounts", (n.quantities || []).join("; ")]]
                         : [["Mentions", n.mentions],
                            ["Coordinates", n.coords ? n.coords[0] + ", " + n.coords[1] : ""],
                            ["Posts", (n.posts || []).join("; ")]]);
    if (n.quote) panel.appendChild(el("blockquote", "kg-quote", n.quote));
    if (n.corrected) section(panel, "Corrected by an analyst", n.corrected.map(function (c) { return [c]; }));
    if (n.links && n.links.length) {
      section(panel, "Links", n.links.map(function (l) { return [externalLink(l[0], l[1])]; }));
    }
    buttons(panel, id);
    var participants = [], roles = [], members = [], events = [], relations = [], same = [];
    KG.adjacency[id].forEach(function (k) {
      var e = P.edges[k], out = e.from === id, other = out ? e.to : e.from, kindOther = P.nodes[other].kind;
      if (e.kind === "same") same.push([nodeButton(other)]);
      else if (isEvent && out) participants.push([e.label + ": ", nodeButton(other)]);
      else if (kindOther === "Event" && !out) events.push([e.label + " in ", nodeButton(other)]);
      else if (e.kind === "role") (out ? roles : members).push(out ? [e.label + " \u2014 ", nodeButton(other)]
                                                                   : [nodeButton(other), " \u2014 " + e.label]);
      else relations.push(out ? [e.label + " \u2192 ", nodeButton(other)] : [nodeButton(other), " " + e.label + " \u2192 this"]);
    });
    (n.others || []).forEach(function (o) { participants.push([o[0] + ": " + o[1] + " (unnamed)"]); });
    section(panel, "Participants, place", participants);
    section(panel, "The same event, as another article reports it", same);
    section(panel, "Roles", roles);
    section(panel, "Members and office holders", members);
    section(panel, "Events", events);
    section(panel, P.comention ? "Named in the same sentence" : "Relations", relations);
    var nsent = n.nsent || 0;
    evidence(panel, rangesOf(n, {}), (isEvent ? "Reported in " : "Evidence: " + plural(n.mentions || 0, "mention") + " in ")
             + plural(nsent, "sentence"), nsent);
    if (n.iri) panel.appendChild(el("p", "kg-hint", n.iri));
    panel.scrollTop = 0;
  };

  KG.showEdge = function (k) {
    var P = KG.payload, e = P.edges[k], panel = document.getElementById("kg-panel");
    panel.replaceChildren();
    var title = el("h2", "kg-name");
    title.appendChild(nodeButton(e.from));
    title.appendChild(document.createTextNode(" \u2014 " + e.label + " \u2192 "));
    title.appendChild(nodeButton(e.to));
    panel.appendChild(title);
    if (e.note) panel.appendChild(el("p", null, e.note));
    var marks = {};
    e.ev.forEach(function (s) { marks[s] = []; });
    [P.nodes[e.from], P.nodes[e.to]].forEach(function (n) {
      (n.ev || []).forEach(function (x) { if (marks[x[0]] && x.length === 3) marks[x[0]].push([x[1], x[2]]); });
    });
    evidence(panel, marks, "Stated in " + plural(e.n, "sentence"), e.n);
    panel.scrollTop = 0;
  };

  KG.showClaim = function (c) {  // one row of the claims table: the sentence it comes from
    var panel = document.getElementById("kg-panel");
    panel.replaceChildren();
    panel.appendChild(el("h2", "kg-name", c.what));
    facts(panel, [["Claim", c.value + (c.unit ? " " + c.unit : "")], ["Qualifier", c.qualifier], ["Place", c.place],
                  ["When", (c.date || "") + (c.pub ? " (publication date)" : "") + (c.when ? " \u201c" + c.when + "\u201d" : "")],
                  ["Speaker", (c.speaker || []).join("; ")]]);
    if (c.event !== undefined) {
      var row = el("div", "kg-buttons");
      row.appendChild(nodeButton(c.event));
      panel.appendChild(row);
    }
    var marks = {};
    marks[c.s] = c.range ? [c.range] : [];
    evidence(panel, marks, "Stated in", 1);
    panel.scrollTop = 0;
  };

  KG.el = el;
  KG.swatch = swatch;
  KG.nodeColour = nodeColour;
  KG.safeHref = safeHref;
  KG.when = when;
})();
