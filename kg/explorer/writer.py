"""explorer.html: one offline page where an analyst reads the story the graph tells.

kg.explorer.data reads the graph; this module decides what the page needs on top (importance,
a precomputed layout for large graphs, sentences and articles numbered once) and kg.explorer.page
writes the HTML. WHY importance and layout here: a browser laying out thousands of nodes stays
busy for many seconds, and a seeded layout in Python makes the page byte-identical across builds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict, deque
from difflib import get_close_matches
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph, URIRef

from kg.explorer.claims import claims_payload
from kg.explorer.data import KGN, Collected, collect, styles, web_url, words
from kg.explorer.geo import map_payload
from kg.explorer.page import render
from kg.store.atomic import atomic_write_text

__all__ = ["KGN", "FocusNotFound", "build_payload", "write_explorer"]

LAYOUT_THRESHOLD = 300  # above this many nodes: layout in Python, physics off in the browser
DEFAULT_VIEW = 450  # a large graph opens on this many important nodes, the rest on demand (and
# these are the nodes laid out by spring: networkx's fast, dense method needs fewer than 500)
MAX_EVIDENCE = 40  # sentences kept per node (the panel says how many more there are)
MAX_EDGE_EVIDENCE = 10
SEED = 7
RING = 40  # px between a node and the first ring of neighbours placed around it
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))  # spreads ring positions evenly, never repeating


def importance(n: int, edges: dict, mentions: list[int]) -> list[float]:
    """Half PageRank over the stated links, half share of mentions: hubs and much-named nodes."""
    if n == 0:
        return []
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for (a, b, _), edge in sorted(edges.items()):
        weight = graph.get_edge_data(a, b, {"weight": 0})["weight"] + max(1, len(edge["ev"]))
        graph.add_edge(a, b, weight=weight)
    rank = nx.pagerank(graph, weight="weight") if graph.number_of_edges() else dict.fromkeys(range(n), 1 / n)
    total = sum(mentions)
    return [round(0.5 * rank[i] + 0.5 * (mentions[i] / total if total else 1 / n), 8) for i in range(n)]


def _spring(graph: nx.Graph, scale: float) -> dict:
    if len(graph) == 1:
        return dict.fromkeys(graph, (0.0, 0.0))
    try:  # "force": classic Fruchterman-Reingold; networkx's "energy" method is far slower on 500 nodes
        return nx.spring_layout(graph, seed=SEED, scale=scale, method="force")
    except TypeError:  # networkx < 3.4 has no method argument (and only the force method)
        return nx.spring_layout(graph, seed=SEED, scale=scale)


def default_view(n: int, edges: dict, rank: dict[int, int]) -> set[int]:
    """What a large graph opens on: the best-ranked half of DEFAULT_VIEW, then the nodes linking most
    of those (in a news graph, the events between the main actors), so the first view has links."""
    if n <= DEFAULT_VIEW:
        return set(range(n))
    order = sorted(range(n), key=rank.__getitem__)
    chosen = set(order[:DEFAULT_VIEW // 2])
    links: dict[int, int] = {}
    for a, b, _ in edges:
        for x, y in ((a, b), (b, a)):
            if x in chosen and y not in chosen:
                links[y] = links.get(y, 0) + 1
    chosen |= set(sorted(links, key=lambda m: (-links[m], rank[m]))[:DEFAULT_VIEW - len(chosen)])
    chosen |= set([i for i in order if i not in chosen][:DEFAULT_VIEW - len(chosen)])
    return chosen


def _component(graph: nx.Graph, part: list[int], rank: dict[int, int], view: set[int], scale: float) -> dict:
    """A spring layout of the component's best-ranked nodes (what the page shows first); every other
    node on a ring around its best placed neighbour, so 'show neighbours' opens around the node."""
    core = sorted((i for i in part if i in view), key=rank.__getitem__)[:DEFAULT_VIEW] or \
        sorted(part, key=rank.__getitem__)[:DEFAULT_VIEW]
    pos = {i: (float(x), float(y)) for i, (x, y) in _spring(graph.subgraph(core), scale).items()}
    placed_around: dict[int, int] = {}
    queue = deque(core)
    while queue:
        anchor = queue.popleft()
        for other in sorted(graph[anchor], key=rank.__getitem__):
            if other in pos:
                continue
            k = placed_around[anchor] = placed_around.get(anchor, 0) + 1
            radius, angle = RING * (1 + math.sqrt(k)), k * GOLDEN_ANGLE
            pos[other] = (pos[anchor][0] + radius * math.cos(angle), pos[anchor][1] + radius * math.sin(angle))
            queue.append(other)
    return pos


def layout(n: int, edges: dict, rank: dict[int, int], view: set[int]) -> dict[int, tuple[int, int]]:
    """Each connected component laid out on its own, components packed in rows, biggest first."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((a, b) for a, b, _ in sorted(edges))
    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    cells = [2 * 60 * math.sqrt(min(len(part), DEFAULT_VIEW)) + 60 for part in parts]
    row_width = max(max(cells), math.sqrt(sum(c * c for c in cells)))
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for part, cell in zip(parts, cells):
        if x > 0 and x + cell > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for i, (px, py) in _component(graph, part, rank, view, (cell - 60) / 2).items():
            positions[i] = (round(x + cell / 2 + px), round(y + cell / 2 + py))
        x, row_height = x + cell, max(row_height, cell)
    return positions


def build_payload(col: Collected, title: str) -> dict:
    """The JSON the page reads: numbered nodes, edges, sentences, articles, timeline and legend."""
    n = len(col.nodes)
    score = importance(n, col.edges, [node["mentions"] for node in col.nodes])
    order = sorted(range(n), key=lambda i: (-score[i], i))
    rank = {i: r for r, i in enumerate(order)}
    big = n > LAYOUT_THRESHOLD
    view = default_view(n, col.edges, rank)
    positions = layout(n, col.edges, rank, view) if big else {}

    article_terms = sorted({d for node in col.nodes for d in node["docs"]}
                           | {col.sentences[s][0] for e in col.edges.values() for s in e["ev"]} - {None},
                           key=lambda d: (col.articles[d]["date"] is None, col.articles[d]["date"] or "",
                                          col.articles[d]["id"], str(d)))
    article_no = {d: i for i, d in enumerate(article_terms)}

    def where(sentence):
        doc, begin, text = col.sentences[sentence]
        return (article_no.get(doc, len(article_no)), begin if begin is not None else -1, text, str(sentence))

    node_evidence = [sorted(node["evidence"], key=lambda e: (where(e[0]), e[1] or 0))[:MAX_EVIDENCE]
                     for node in col.nodes]
    edge_evidence = {key: sorted(e["ev"], key=where)[:MAX_EDGE_EVIDENCE] for key, e in col.edges.items()}
    sentence_terms = sorted({e[0] for ev in node_evidence for e in ev} | {s for ev in edge_evidence.values()
                                                                           for s in ev}
                            | {r["sentence"] for r in col.claims if col.sentences.get(r["sentence"])}, key=where)
    sentence_no = {s: i for i, s in enumerate(sentence_terms)}

    nodes = []
    for i, node in enumerate(col.nodes):
        item = {k: v for k, v in node.items()
                if k not in ("term", "evidence", "docs", "mentions") and v is not None and v != [] and v != ""}
        item.update(id=i, value=score[i], rank=rank[i], view=int(i in view), mentions=node["mentions"],
                    nsent=len({s for s, *_ in node["evidence"]}),
                    docs=sorted(article_no[d] for d in node["docs"]),
                    ev=[[sentence_no[s]] + ([a, b] if a is not None else []) for s, a, b in node_evidence[i]])
        if isinstance(node["term"], URIRef) and web_url(node["term"]):
            item["iri"] = str(node["term"])
        if i in positions:
            item["x"], item["y"] = positions[i]
        nodes.append(item)
    edges = [{"from": a, "to": b, "label": label, "kind": e["kind"], "n": len(e["ev"]),
              "ev": [sentence_no[s] for s in edge_evidence[(a, b, label)]], **({"note": e["note"]} if "note" in e else {})}
             for (a, b, label), e in sorted(col.edges.items())]
    events = [i for i, node in enumerate(col.nodes) if node["kind"] == "Event"]
    timeline = sorted(events, key=lambda i: ("date" not in col.nodes[i], col.nodes[i].get("date", ""),
                                             where(node_evidence[i][0][0]) if node_evidence[i] else (),
                                             col.nodes[i]["label"], i))
    return {"title": title, "nodes": nodes, "edges": edges, "timeline": timeline,
            "sentences": [[article_no.get(col.sentences[s][0], -1), col.sentences[s][2]] for s in sentence_terms],
            "articles": [col.articles[d] for d in article_terms],
            "legend": _legend(col), "big": big, "seed": SEED,
            "claims": claims_payload(col.claims, col.articles, article_no, sentence_no),
            "map": map_payload(col.nodes, col.edges),
            "comention": col.comention, "focus": col.focus}


def _legend(col: Collected) -> dict:
    style = styles()
    counts: dict = {}
    types: dict = {}
    for node in col.nodes:
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
        if node["kind"] == "Event":
            types[node["type"]] = types.get(node["type"], 0) + 1
    spare = iter(style["spare_colours"] * (1 + len(types) // max(1, len(style["spare_colours"]))))
    event_types = []
    for name in sorted(types):
        colour = style["event_types"].get(name) or next(spare)
        event_types.append({"key": name, "label": "Event" if name == "ReportedEvent" else words(name),
                            "color": colour, "count": types[name]})
    kinds = [dict(style["kinds"][k], key=k, count=counts.get(k, 0)) for k in style["kinds"]]
    return {"kinds": kinds, "eventTypes": event_types}


class FocusNotFound(ValueError):
    """The ego view's focus name matches no node's label or alias."""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def find_focus(col: Collected, name: str) -> list[int]:
    """Nodes named ``name`` (ignoring case and accents): by label, else by alias, else the one entity
    whose label or alias holds it as whole words ('al-Sharaa' -> 'Ahmed al-Sharaa')."""
    key = _fold(name)
    if not key:
        raise FocusNotFound("focus: empty name")
    names = [[_fold(n["label"])] + [_fold(a) for a in n["aliases"]] for n in col.nodes]
    for hits in ([i for i, ns in enumerate(names) if ns[0] == key],
                 [i for i, ns in enumerate(names) if key in ns[1:]]):
        if hits:
            return hits
    words_of = re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")
    within = [i for i, ns in enumerate(names) if col.nodes[i]["kind"] != "Event" and any(map(words_of.search, ns))]
    if len(within) == 1:
        return within
    if within:
        listed = ", ".join(repr(col.nodes[i]["label"]) for i in within[:8])
        raise FocusNotFound(f"focus {name!r} is ambiguous: {listed}{' ...' if len(within) > 8 else ''}; "
                            f"give the full name")
    every = sorted({n["label"] for n in col.nodes} | {a for n in col.nodes for a in n["aliases"]})
    close = get_close_matches(name, every, n=5, cutoff=0.6)
    hint = f"; close names: {', '.join(repr(c) for c in close)}" if close else ""
    raise FocusNotFound(f"focus {name!r}: no node has this label or alias (case-insensitive){hint}")


def neighbourhood(col: Collected, seeds: list[int], depth: int) -> Collected:
    """The nodes within ``depth`` links of the seeds (links in either direction), renumbered."""
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    adjacent: dict[int, set] = defaultdict(set)
    for a, b, _ in col.edges:
        adjacent[a].add(b)
        adjacent[b].add(a)
    keep, frontier = set(seeds), set(seeds)
    for _ in range(depth):
        frontier = {m for n in frontier for m in adjacent[n]} - keep
        keep |= frontier
    old = sorted(keep)
    new = {o: i for i, o in enumerate(old)}
    edges = {(new[a], new[b], label): e for (a, b, label), e in col.edges.items() if a in new and b in new}
    focus = {"labels": [col.nodes[s]["label"] for s in sorted(seeds)], "ids": sorted(new[s] for s in seeds),
             "depth": depth}
    claims = [dict(r, event=new.get(r["event"])) for r in col.claims if r["event"] is None or r["event"] in new]
    return Collected([col.nodes[o] for o in old], edges, col.sentences, col.articles, col.comention, focus, claims)


def write_explorer(data: Dataset | Graph, path, *, title: str = "newskg explorer",
                   focus: str | None = None, depth: int = 2) -> int:
    """Write the explorer page for ``data`` to ``path`` (atomically); return the number of nodes.

    With ``focus`` (a label or alias, case-insensitive), only the nodes within ``depth`` links of
    it are written: an ego view. Raises FocusNotFound when no node has that name.
    """
    col = collect(data)
    if focus is not None:
        col = neighbourhood(col, find_focus(col, focus), depth)
    payload = build_payload(col, title)
    atomic_write_text(Path(path), render(payload))
    return len(payload["nodes"])
