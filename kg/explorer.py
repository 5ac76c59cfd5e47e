"""A single offline HTML page to browse the graph: entities as coloured dots, relations as links.

WHY the care below: the page is opened from disk, often with no network, and everything on it
comes from untrusted articles. So the vis-network library is inlined and every remote link of
pyvis's template is stripped; node data only reaches the page as JSON through Jinja's ``tojson``
(which escapes ``<``, ``>``, ``&`` and ``'``, so no string can close the ``<script>``); titles stay
plain text and pyvis's innerHTML popup is never enabled. Output is byte-identical for equal input.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
from pyvis.network import Network
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS

import kg
from kg.atomic import atomic_write_text
from kg.vocab import GAF, KG_NS, NIF, SCHEMA, SEM

KGN = Namespace(KG_NS)  # plain namespace: works whichever kg.vocab.KG terms are committed yet
COLOURS = {"Person": "#e4572e", "Organization": "#2e86ab", "Place": "#3f9b4f", "Event": "#f0a202"}
ROOTS = {
    SCHEMA.Person: "Person", KGN.Person: "Person",
    SCHEMA.Organization: "Organization", ORG.Organization: "Organization", KGN.Organization: "Organization",
    SCHEMA.Place: "Place", KGN.Place: "Place",
    SCHEMA.Event: "Event", SEM.Event: "Event", KGN.NamedEvent: "Event", KGN.ReportedEvent: "Event",
}
ACTOR_PROPS = {SEM.hasActor, KGN.hasAgent, KGN.hasPatient, KGN.hasRecipient, KGN.hasSpeaker}
LINK_PROPS = {SEM.hasPlace, SCHEMA.containedInPlace, KGN.partOf, KGN.ledBy}
LAYOUT_THRESHOLD = 300  # above this many nodes the browser's physics gets sluggish: lay out in Python
SEED = 7
MAX_LABEL = 60
MAX_ALIASES = 12


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    """The class and property hierarchy of ontology/kg.ttl, preferably as kg.ontology loads it."""
    try:
        from kg.ontology import ontology_graph
    except ImportError:  # kg.ontology is newer than this module: read the file directly
        path = Path(kg.__file__).parent.parent / "ontology" / "kg.ttl"
        try:
            return Graph().parse(path, format="turtle")
        except Exception as exc:  # noqa: BLE001 - re-raised with the file name
            raise ValueError(f"{path}: cannot read the ontology: {exc}") from exc
    return ontology_graph()


def _union(data: Graph) -> Graph:
    """All triples of every named graph: types live in the merged graph, mentions in article graphs."""
    if isinstance(data, Dataset) or hasattr(data, "contexts"):
        flat = Graph()
        flat += ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
        return flat
    if isinstance(data, Graph):
        return data
    raise TypeError(f"write_explorer needs an rdflib Dataset or Graph, not {type(data).__name__}")


def _closure(g: Graph, prop: URIRef) -> dict[URIRef, set[URIRef]]:
    """Each term -> all its ancestors along ``prop`` (subClassOf / subPropertyOf), from data + ontology."""
    tree = Graph()
    for src in (_ontology(), g):
        for triple in src.triples((None, prop, None)):
            tree.add(triple)
    return {child: set(tree.transitive_objects(child, prop)) - {child} for child in set(tree.subjects(prop))}


def _coarse(cls: URIRef, ancestors: dict[URIRef, set[URIRef]]) -> str | None:
    hits = {ROOTS[c] for c in {cls} | ancestors.get(cls, set()) if c in ROOTS}
    return next((c for c in COLOURS if c in hits), None)


def _local(term) -> str:
    text = unquote(str(term))
    return re.split(r"[#/]", text.rstrip("/#"))[-1] or text


def _clean(text: str, limit: int | None = None) -> str:
    """One line of plain text: article whitespace (newlines, tabs) collapsed, very long names cut."""
    text = " ".join(str(text).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "\u2026"


def _pretty(prop: URIRef) -> str:
    """'hasAgent' -> 'agent', 'containedInPlace' -> 'contained in place'."""
    name = re.sub(r"^has(?=[A-Z])", "", _local(prop))
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _collect_nodes(g: Graph) -> list[dict]:
    ancestors = _closure(g, RDFS.subClassOf)
    found: dict = {}
    for subject, cls in g.subject_objects(RDF.type):
        if isinstance(subject, (URIRef, BNode)) and isinstance(cls, URIRef):
            coarse = _coarse(cls, ancestors)
            if coarse:
                found.setdefault(subject, {})[cls] = coarse
    nodes = []
    for subject, classes in found.items():
        coarse = next(c for c in COLOURS if c in classes.values())
        labels = sorted(_clean(l) for l in g.objects(subject, RDFS.label) if _clean(l))
        label = labels[0] if labels else _clean(_local(subject))
        aliases = sorted({_clean(a) for a in g.objects(subject, SKOS.altLabel)} - {label, ""})
        nodes.append({
            "term": subject, "coarse": coarse, "label": label, "aliases": aliases,
            "classes": sorted({_local(c) for c, k in classes.items() if k == coarse}),
            "mentions": len(set(g.objects(subject, GAF.denotedBy))),
        })
    rank = list(COLOURS).index
    nodes.sort(key=lambda n: (rank(n["coarse"]), n["label"].casefold(), n["label"], str(n["term"])))
    return nodes


def _tooltip(node: dict) -> str:
    kinds = ", ".join(c for c in node["classes"] if c != node["coarse"])
    lines = [node["label"], node["coarse"] + (f" ({kinds})" if kinds else "")]
    if node["aliases"]:
        more = len(node["aliases"]) - MAX_ALIASES
        lines.append("Also: " + "; ".join(node["aliases"][:MAX_ALIASES]) + (f" (+{more} more)" if more > 0 else ""))
    lines.append(f"Mentions: {node['mentions']}")
    if isinstance(node["term"], URIRef):
        lines.append(str(node["term"]))
    return "\n".join(lines)  # vis-network shows string titles with innerText: newlines break lines


def _relation_edges(g: Graph, index: dict) -> Counter:
    edges: Counter = Counter()
    actor_props = set(ACTOR_PROPS)
    for prop, parents in _closure(g, RDFS.subPropertyOf).items():
        if SEM.hasActor in parents:
            actor_props.add(prop)
    for prop in sorted(actor_props | LINK_PROPS):
        for s, o in g.subject_objects(prop):
            if s in index and o in index and s != o:
                edges[(index[s], index[o], _pretty(prop))] += 1
    for membership in g.subjects(RDF.type, ORG.Membership):
        roles = sorted(_clean(r) if isinstance(r, Literal) else _clean(g.value(r, RDFS.label) or _local(r))
                       for r in g.objects(membership, ORG.role))
        former = any(f.toPython() is True for f in g.objects(membership, KGN.former) if isinstance(f, Literal))
        label = ("former " if former else "") + (roles[0] if roles else "member of")
        for member in g.objects(membership, ORG.member):
            for org in g.objects(membership, ORG.organization):
                if member in index and org in index and member != org:
                    edges[(index[member], index[org], _clean(label, MAX_LABEL))] += 1
    return edges


def _comention_edges(g: Graph, index: dict) -> Counter:
    """Fallback when nothing relates entities yet: link names that share a sentence."""
    by_sentence: dict = defaultdict(set)
    for term, i in index.items():
        for mention in g.objects(term, GAF.denotedBy):
            for sentence in g.objects(mention, NIF.sentence):
                by_sentence[sentence].add(i)
    edges: Counter = Counter()
    for members in by_sentence.values():
        for a, b in combinations(sorted(members), 2):
            edges[(a, b, "co-mentioned")] += 1
    return edges


def _spring(graph: nx.Graph, scale: float) -> dict:
    if len(graph) == 1:
        return dict.fromkeys(graph, (0.0, 0.0))
    try:
        return nx.spring_layout(graph, seed=SEED, scale=scale)
    except ImportError:  # networkx needs scipy for >= 500 nodes; forceatlas2 needs only numpy
        return nx.rescale_layout_dict(nx.forceatlas2_layout(graph, seed=SEED), scale=scale)


def _layout(n: int, edges: Counter) -> dict[int, tuple[int, int]]:
    """Spring layout per connected component (fast, readable), components packed in rows, biggest first."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for (a, b, _), count in sorted(edges.items()):
        graph.add_edge(a, b, weight=graph.get_edge_data(a, b, {"weight": 0})["weight"] + count)
    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    cells = [2 * 50 * math.sqrt(len(part)) + 40 for part in parts]
    row_width = max(max(cells), math.sqrt(sum(c * c for c in cells)))
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for part, cell in zip(parts, cells):
        if x > 0 and x + cell > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for i, (px, py) in _spring(graph.subgraph(part), (cell - 40) / 2).items():
            positions[i] = (round(x + cell / 2 + float(px)), round(y + cell / 2 + float(py)))
        x, row_height = x + cell, max(row_height, cell)
    return positions


def _options(big: bool) -> dict:
    options = {
        "layout": {"randomSeed": SEED, "improvedLayout": not big},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "nodes": {"shape": "dot", "scaling": {"min": 8, "max": 32}, "font": {"size": 14}},
        "edges": {"smooth": False, "color": {"color": "#a0a0a0", "inherit": False},
                  "font": {"size": 10, "align": "middle"}, "scaling": {"min": 1, "max": 6}},
        "physics": {"enabled": False},
    }
    if not big:  # let the browser settle the layout once, then freeze it
        options["physics"] = {"enabled": True, "solver": "forceAtlas2Based", "minVelocity": 0.75,
                              "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
                              "stabilization": {"enabled": True, "iterations": 600, "fit": True}}
    return options


def _legend(title: str, counts: Counter, n_edges: int, comention: bool) -> str:
    keys = "".join(
        f'<span class="kg-key"><span class="kg-dot" style="background:{colour}"></span>'
        f"{coarse} ({counts[coarse]})</span>" for coarse, colour in COLOURS.items())
    note = "links: entities named in the same sentence" if comention else "links: stated relations"
    return (
        '<style>.kg-head{font-family:sans-serif;margin:8px}.kg-head h1{font-size:20px;margin:0 0 4px}'
        ".kg-key{margin-right:14px;font-size:14px}.kg-dot{display:inline-block;width:12px;height:12px;"
        "border-radius:6px;margin-right:4px;vertical-align:middle}.kg-note{color:#666;font-size:13px}</style>\n"
        f'<div class="kg-head"><h1>{html.escape(title)}</h1><div>{keys}'
        f'<span class="kg-note">{sum(counts.values())} entities, {n_edges} links; {note}</span></div></div>\n'
    )


_REMOTE_TAG = re.compile(
    r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>|<script\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>\s*</script>",
    re.IGNORECASE)
REMOTE_ATTR = re.compile(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)
STOP_PHYSICS = ('network.once("stabilizationIterationsDone", function () '
                "{ network.setOptions({physics: {enabled: false}}); });\n")


def _render(nodes: list[dict], edges: list[dict], options: dict, title: str, legend: str) -> str:
    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    page = net.templateEnv.get_template(net.path).render(
        height=net.height, width=net.width, nodes=nodes, edges=edges, heading="",
        options=json.dumps(options, sort_keys=True).replace("</", "<\\/"),
        physics_enabled=options["physics"]["enabled"], use_DOT=False, dot_lang="", widget=False,
        bgcolor="#ffffff", conf=False, tooltip_link=False, neighborhood_highlight=True,
        select_menu=False, filter_menu=False, notebook=False, cdn_resources="in_line")
    page = _REMOTE_TAG.sub("", page)
    page = re.sub(r"<!--\s*<link.*?-->", "", page, count=1, flags=re.DOTALL)
    page = re.sub(r"//# sourceMappingURL=[^\s<]+", "", page)  # devtools would try to fetch it
    page = re.sub(r"\s*<center>\s*<h1>\s*</h1>\s*</center>", "", page)
    meta = '<meta charset="utf-8">'
    page = page.replace(meta, f"{meta}\n        <title>{html.escape(title)}</title>", 1)
    page = page.replace("<body>", "<body>\n" + legend, 1)
    if options["physics"]["enabled"]:
        page = page.replace("drawGraph();\n", "drawGraph();\n              " + STOP_PHYSICS, 1)
    if REMOTE_ATTR.search(page):  # a pyvis upgrade added a remote resource: refuse, never phone home
        raise RuntimeError("explorer page would load a remote resource; update kg/explorer.py")
    return "<!DOCTYPE html>\n" + page


def write_explorer(data: Dataset | Graph, path, *, title: str = "newskg explorer") -> int:
    """Write the explorer page for ``data`` to ``path`` (atomically); return the number of nodes."""
    g = _union(data)
    found = _collect_nodes(g)
    index = {n["term"]: i for i, n in enumerate(found)}
    weighted = _relation_edges(g, index)
    comention = not weighted
    if comention:
        weighted = _comention_edges(g, index)
    big = len(found) > LAYOUT_THRESHOLD
    positions = _layout(len(found), weighted) if big else {}
    nodes = []
    for i, n in enumerate(found):
        node = {"id": i, "label": _clean(n["label"], MAX_LABEL), "title": _tooltip(n),
                "color": COLOURS[n["coarse"]], "group": n["coarse"], "value": max(n["mentions"], 1)}
        if i in positions:
            node["x"], node["y"] = positions[i]
        nodes.append(node)
    edges = []
    for (a, b, label), count in sorted(weighted.items()):
        edges.append({"from": a, "to": b, "label": label, "value": count, "arrows": "" if comention else "to",
                      "title": f"{found[a]['label']} \u2014 {label} \u2014 {found[b]['label']}"
                      + (f"\nin {count} sentence{'s' if count != 1 else ''}" if comention else "")})
    legend = _legend(title, Counter(n["coarse"] for n in found), len(edges), comention)
    atomic_write_text(path, _render(nodes, edges, _options(big), title, legend))
    return len(nodes)
