"""`kg stats` and `kg path`: what the graph says about who matters and how actors connect.

Both work on kg.analytics.projection, the same network the GraphML/GEXF exports hold, so numbers can be
checked in Gephi. Events are nodes there; for centrality and paths the network is read undirected
(being attacked connects you as much as attacking), and a shared event counts as one step between
its participants, like a direct relation. Every path step carries its sentence and article, so an
analyst can verify each link. Seeds and orders are fixed: equal builds give equal answers.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from kg.analytics.projection import ENTITY, EVENT, SOURCE, project

SEED = 7
ACTOR_ROLES = {"agent", "patient", "recipient", "speaker"}
ACTOR_TYPES = {"Person", "Organization"}


@dataclass(frozen=True)
class Ranked:
    node: str
    label: str
    cls: str
    score: float


@dataclass(frozen=True)
class Community:
    members: tuple[str, ...]  # entity labels, best connected first
    events: int  # events inside the community


@dataclass(frozen=True)
class Stats:
    nodes: int
    edges: int
    entities: int
    events: int
    articles: int
    entities_by_class: dict[str, int]
    entities_by_type: dict[str, int]
    events_by_type: dict[str, int]
    events_by_status: dict[str, int]
    top_pagerank: tuple[Ranked, ...]
    top_degree: tuple[Ranked, ...]
    communities: tuple[Community, ...]


@dataclass(frozen=True)
class Step:
    """One link of a path: `source` and `target` are connected `via` an event or a relation."""

    source: str
    target: str
    via: str  # the event's label, or the relation's label ('partOf', 'Prime Minister')
    kind: str  # "event" or "relation"
    relation: str  # 'agent -> agent' (roles in the event), or 'partOf' / '<- partOf' (stated backwards)
    evidence: str
    article: str
    source_id: str
    target_id: str
    via_id: str  # the event IRI, or the relation's name


class PathError(LookupError):
    """A name matches no actor or several, or two actors are not connected; the message says how."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()):
        super().__init__(message)
        self.candidates = candidates


def _counted(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """Simple undirected graph; `weight` counts the statements behind each link."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v in graph.edges():
        if u != v:
            weight = simple.edges[u, v]["weight"] + 1 if simple.has_edge(u, v) else 1
            simple.add_edge(u, v, weight=weight)
    return simple


def actors(graph: nx.MultiDiGraph) -> list[str]:
    """Persons and organizations, plus any named entity that takes an actor role in some event."""
    in_role = {v for _, v, d in graph.edges(data=True) if d["relation"] in ACTOR_ROLES}
    return [n for n, d in graph.nodes(data=True)
            if d["kind"] == ENTITY and d["type"] != SOURCE and (d["type"] in ACTOR_TYPES or n in in_role)]


def _ranked(graph: nx.MultiDiGraph, scores: dict, candidates: list[str], top: int) -> tuple[Ranked, ...]:
    order = sorted(candidates, key=lambda n: (-scores.get(n, 0), graph.nodes[n]["label"], n))
    return tuple(Ranked(n, graph.nodes[n]["label"], graph.nodes[n]["class"], round(float(scores.get(n, 0)), 6))
                 for n in order[:top])


def stats(build_dir: str | Path, top: int = 10, graph: nx.MultiDiGraph | None = None) -> Stats:
    """Counts, the `top` most central actors (PageRank, degree) and communities (Louvain, fixed seed)."""
    graph = graph if graph is not None else project(build_dir)
    nodes = dict(graph.nodes(data=True))
    entity_nodes = [n for n, d in nodes.items() if d["kind"] == ENTITY]
    event_nodes = [n for n, d in nodes.items() if d["kind"] == EVENT]
    simple = undirected(graph)
    pagerank = nx.pagerank(simple, weight="weight") if simple.number_of_edges() else {}
    degree = dict(simple.degree())
    candidates = actors(graph)
    articles = {a for d in nodes.values() for a in d.get("articles") or ()}
    return Stats(
        nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), entities=len(entity_nodes),
        events=len(event_nodes), articles=len(articles),
        entities_by_class=_counted(Counter(nodes[n]["class"] for n in entity_nodes)),
        entities_by_type=_counted(Counter(nodes[n]["type"] for n in entity_nodes)),
        events_by_type=_counted(Counter(nodes[n]["class"] for n in event_nodes)),
        events_by_status=_counted(Counter(nodes[n]["status"] or "unknown" for n in event_nodes)),
        top_pagerank=_ranked(graph, pagerank, candidates, top),
        top_degree=_ranked(graph, degree, candidates, top),
        communities=communities(graph, simple),
    )


def communities(graph: nx.MultiDiGraph, simple: nx.Graph | None = None) -> tuple[Community, ...]:
    """Louvain communities (seeded) with at least two entities, largest first."""
    simple = simple if simple is not None else undirected(graph)
    if not simple.number_of_edges():
        return ()
    degree = dict(simple.degree())
    found = []
    for group in nx.community.louvain_communities(simple, weight="weight", seed=SEED):
        members = sorted((n for n in group if graph.nodes[n]["kind"] == ENTITY),
                         key=lambda n: (-degree[n], graph.nodes[n]["label"], n))
        if len(members) >= 2:
            found.append(Community(tuple(graph.nodes[n]["label"] for n in members),
                                   sum(graph.nodes[n]["kind"] == EVENT for n in group)))
    return tuple(sorted(found, key=lambda c: (-len(c.members), c.members)))


# --- paths ----------------------------------------------------------------------------------

def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _describe(graph: nx.MultiDiGraph, node: str) -> str:
    d = graph.nodes[node]
    return f"{d['label']} ({d['class']}, {node})"


def find_actor(graph: nx.MultiDiGraph, name: str) -> str:
    """The entity whose label (else alias) is `name`, case-insensitively; an IRI is taken as is."""
    if name in graph and graph.nodes[name]["kind"] == ENTITY:
        return name
    wanted = _key(name)
    pool = [n for n, d in graph.nodes(data=True) if d["kind"] == ENTITY]
    tiers = (lambda n: wanted in {_key(x) for x in _names(graph.nodes[n], "label")},
             lambda n: wanted in {_key(x) for x in _names(graph.nodes[n], "aliases")},
             lambda n: any(_words_in(wanted, _key(x)) for f in ("label", "aliases") for x in _names(graph.nodes[n], f)))
    for matches in tiers:  # exact label, then exact alias, then the words of a longer name ('Trump')
        hits = sorted(n for n in pool if matches(n))
        if len(hits) == 1:
            return hits[0]
        if hits:
            listed = tuple(_describe(graph, n) for n in hits)
            raise PathError(f"{name!r} is ambiguous: it names {len(hits)} entities: " + "; ".join(listed)
                            + ". Use a fuller name or the IRI.", listed)
    names = sorted({x for n in pool for f in ("label", "aliases") for x in _names(graph.nodes[n], f)})
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    close += [x for x in names if wanted and wanted in _key(x) and x not in close][: 5 - len(close)]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise PathError(f"no entity named {name!r} in the graph.{hint}", tuple(close))


def _words_in(part: str, name: str) -> bool:
    """'trump' in 'donald trump': whole words, in order, so 'ran' never matches 'Iran'."""
    words, inside = part.split(), name.split()
    return bool(words) and any(inside[i:i + len(words)] == words for i in range(len(inside) - len(words) + 1))


def _names(data: dict, field: str) -> list[str]:
    value = data.get(field)
    return [value] if isinstance(value, str) else list(value or ())


def _best_edges(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected search graph: each link keeps its best-evidenced edge; an event is half a step away."""
    search = nx.Graph()
    search.add_nodes_from(graph.nodes)
    ranked = sorted(graph.edges(keys=True, data=True),
                    key=lambda e: (e[0], e[1], not e[3].get("evidence"), e[3].get("article") or "", str(e[2])))
    for u, v, _, data in ranked:
        if u == v or search.has_edge(u, v):
            continue
        near_event = EVENT in (graph.nodes[u]["kind"], graph.nodes[v]["kind"])
        search.add_edge(u, v, weight=0.5 if near_event else 1.0, edge=(u, v, data))
    return search


def shortest_path(build_dir: str | Path, a: str, b: str, graph: nx.MultiDiGraph | None = None) -> list[Step]:
    """The shortest chain of relations and shared events between two named entities."""
    graph = graph if graph is not None else project(build_dir)
    start, end = find_actor(graph, a), find_actor(graph, b)
    if start == end:
        return []
    search = _best_edges(graph)
    try:
        path = nx.shortest_path(search, start, end, weight="weight")
    except nx.NetworkXNoPath:
        raise PathError(f"{graph.nodes[start]['label']!r} and {graph.nodes[end]['label']!r} are not "
                        "connected by any relation or event in this graph") from None
    return _steps(graph, search, path)


def _steps(graph: nx.MultiDiGraph, search: nx.Graph, path: list[str]) -> list[Step]:
    steps, i = [], 0
    while i < len(path) - 1:
        here, nxt = path[i], path[i + 1]
        if graph.nodes[nxt]["kind"] == EVENT and i + 2 < len(path):
            there, event = path[i + 2], graph.nodes[nxt]
            roles = f"{_role(search, nxt, here)} -> {_role(search, nxt, there)}"
            steps.append(Step(graph.nodes[here]["label"], graph.nodes[there]["label"], event["label"], "event",
                              roles, event.get("evidence") or "", event.get("article") or "", here, there, nxt))
            i += 2
            continue
        u, _, data = search.edges[here, nxt]["edge"]
        relation = data["label"] if u == here else f"<- {data['label']}"
        steps.append(Step(graph.nodes[here]["label"], graph.nodes[nxt]["label"], data["label"], "relation",
                          relation, data.get("evidence") or "", data.get("article") or "", here, nxt,
                          data["relation"]))
        i += 1
    return steps


def _role(search: nx.Graph, event: str, node: str) -> str:
    return search.edges[event, node]["edge"][2]["relation"]
