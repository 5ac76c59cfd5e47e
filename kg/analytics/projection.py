"""The build as a networkx MultiDiGraph: entities and events as nodes, facts as edges.

WHY a projection: exports (GraphML, GEXF, CSV) and analytics (centrality, communities, paths) all
want the same readable network, not RDF. Building it once, here, keeps their node and edge
attributes identical; docs/projection.md documents them for users. Every edge keeps the sentence
and article that state it, so a path or a CSV row can always be checked against its source.
Nodes and edges are added in sorted order, so equal builds give identical graphs and files.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import URIRef

from kg.ontology import coarse_type, ontology_graph, superclasses
from kg.store.layout import named_quads, open_store
from kg.vocab import (
    GAF,
    GEO,
    KG,
    KG_NS,
    NIF,
    ORG,
    OWL,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    WD,
)

ENTITY = "entity"
EVENT = "event"
SOURCE = "Source"  # coarse type of kg:UnnamedSource: an actor that is deliberately no schema:Person
ROLE_EDGES = {KG.hasAgent: "agent", KG.hasPatient: "patient", KG.hasRecipient: "recipient",
              KG.hasSpeaker: "speaker", SEM.hasPlace: "place"}
GAZETTEER_EVIDENCE = "(known from the gazetteer, not stated in an article)"
RELATION_EDGES = {SCHEMA.containedInPlace: "containedInPlace", KG.partOf: "partOf", KG.ledBy: "ledBy"}
MEMBERSHIP = "membership"
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+\d.eE]+)\s+([-+\d.eE]+)\s*\)\s*$", re.I)


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


@lru_cache(maxsize=256)
def class_info(class_iri: str) -> tuple[str | None, str | None]:
    """(node kind, coarse type) of a class by the ontology; (None, None) for classes not projected."""
    if not class_iri.startswith(KG_NS):
        return None, None
    if class_iri == str(KG.UnnamedSource):
        return ENTITY, SOURCE
    if URIRef(KG.ReportedEvent) in superclasses(ontology_graph(), URIRef(class_iri)):
        return EVENT, "Event"
    coarse = coarse_type(None, URIRef(class_iri))
    return (ENTITY, coarse) if coarse else (None, None)


@lru_cache(maxsize=64)
def event_codes(class_iri: str) -> tuple[str | None, str | None]:
    """(CAMEO root code, PLOVER category) annotated on an event class in the ontology."""
    onto, cls = ontology_graph(), URIRef(class_iri)
    cameo = onto.value(cls, URIRef(KG.cameoCode))
    plover = onto.value(cls, URIRef(KG.ploverCategory))
    return (str(cameo) if cameo is not None else None, str(plover) if plover is not None else None)


def parse_point(wkt: str) -> tuple[float, float] | None:
    """'POINT(lon lat)' -> (lat, lon); anything else -> None."""
    match = _POINT.match(wkt)
    return (float(match.group(2)), float(match.group(1))) if match else None


class _Reader:
    """Lookups on the store across every named graph, with the few indexes the projection needs."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.doc_of_graph: dict[str, str] = {}
        self.url_of_doc: dict[str, str] = {}
        for q in named_quads(store, None, _n(SCHEMA.identifier), None, None):
            if isinstance(q.graph_name, ox.NamedNode):
                self.doc_of_graph[q.graph_name.value] = q.object.value
                url = self.first(q.subject, SCHEMA.url)
                self.url_of_doc[q.object.value] = url.value if url is not None else ""

    def objects(self, subject, predicate, graph=None) -> list:
        terms = {q.object for q in named_quads(self.store, subject, _n(predicate), None, graph)}
        return sorted(terms, key=str)

    def first(self, subject, predicate, graph=None):
        found = self.objects(subject, predicate, graph)
        return found[0] if found else None

    def text(self, subject, predicate, graph=None) -> str | None:
        term = self.first(subject, predicate, graph)
        return term.value if term is not None else None

    def sentence(self, span, graph) -> tuple[str, int | None]:
        """The sentence a span belongs to (or is): its text and begin offset."""
        types = self.objects(span, RDF.type, graph)
        sentence = span if _n(NIF.Sentence) in types else self.first(span, NIF.sentence, graph)
        if sentence is None:
            return self.text(span, NIF.anchorOf, graph) or "", None
        begin = self.text(sentence, NIF.beginIndex, graph)
        return self.text(sentence, NIF.anchorOf, graph) or "", int(begin) if begin else None

    def evidence(self, subject, graph) -> tuple[str, str]:
        """(sentence, article id) of the first span that states `subject` in `graph`."""
        span = self.first(subject, GAF.denotedBy, graph)
        text = self.sentence(span, graph)[0] if span is not None else ""
        return text, self.doc_of_graph.get(graph.value, "")


def project(build_dir: str | Path) -> nx.MultiDiGraph:
    """The projection of a build folder (see docs/projection.md)."""
    return project_store(open_store(build_dir))


def project_store(store: ox.Store) -> nx.MultiDiGraph:
    """The projection of an open store; used by exports and analytics alike."""
    r = _Reader(store)
    graph = nx.MultiDiGraph()
    typed = _typed_nodes(r)
    for iri in sorted(typed):
        kind, cls, coarse = typed[iri]
        node = _n(iri)
        attrs = _event_attrs(r, node, cls) if kind == EVENT else _entity_attrs(r, node)
        graph.add_node(iri, kind=kind, **{"class": cls}, type=coarse, **attrs)
    for u, v, key, attrs in sorted(_edges(r, graph), key=lambda e: (e[0], e[1], e[2])):
        graph.add_edge(u, v, key=key, **attrs)
    return graph


def _typed_nodes(r: _Reader) -> dict[str, tuple[str, str, str]]:
    """IRI -> (kind, class local name, coarse type); the most specific-looking class wins."""
    found: dict[str, tuple[str, str, str]] = {}
    for q in named_quads(r.store, None, _n(RDF.type), None, None):
        if not isinstance(q.subject, ox.NamedNode) or not isinstance(q.object, ox.NamedNode):
            continue
        kind, coarse = class_info(q.object.value)
        if kind is None:
            continue
        candidate = (kind, _local(q.object.value), coarse)
        if q.subject.value not in found or candidate[1] < found[q.subject.value][1]:
            found[q.subject.value] = candidate
    return found


def _mentions(r: _Reader, node) -> tuple[int, list[str]]:
    quads = list(named_quads(r.store, node, _n(GAF.denotedBy), None, None))
    docs = {r.doc_of_graph.get(q.graph_name.value, "") for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    return len({(q.object, q.graph_name) for q in quads}), sorted(d for d in docs if d)


def _entity_attrs(r: _Reader, node) -> dict:
    label = r.text(node, RDFS.label) or _local(node.value)
    same = [t.value for t in r.objects(node, OWL.sameAs)]
    wikidata = next((iri[len(str(WD)):] for iri in same if iri.startswith(str(WD))), None)
    lat = lon = None
    for geometry in r.objects(node, GEO.hasGeometry):
        point = parse_point(r.text(geometry, GEO.asWKT) or "")
        if point:
            lat, lon = point
            break
    roles = sorted({r.text(role, RDFS.label) or "" for m in _memberships_of(r, node)
                    for role in r.objects(m, ORG.role)} - {""})
    mentions, articles = _mentions(r, node)
    return {"label": label, "aliases": sorted({t.value for t in r.objects(node, SKOS.altLabel)} - {label}),
            "wikidata": wikidata, "same_as": same, "lat": lat, "lon": lon, "roles": roles,
            "mentions": mentions, "articles": articles}


def _memberships_of(r: _Reader, person) -> list:
    return sorted({q.subject for q in named_quads(r.store, None, _n(ORG.member), person, None)}, key=str)


def _event_attrs(r: _Reader, node, cls: str) -> dict:
    quad = next(iter(named_quads(r.store, node, _n(GAF.denotedBy), None, None)), None)
    graph = quad.graph_name if quad else None
    evidence, begin = r.sentence(quad.object, graph) if quad else ("", None)
    article = r.doc_of_graph.get(graph.value, "") if graph is not None else ""
    status = r.first(node, KG.status)
    confidence = r.text(node, KG.confidence)
    cameo, plover = event_codes(KG_NS + cls)
    mentions, articles = _mentions(r, node)
    return {"label": r.text(node, RDFS.label) or cls, "aliases": [], "date": r.text(node, SEM.hasTimeStamp),
            "time_text": r.text(node, KG.timeText), "status": _local(status.value) if status else None,
            "confidence": float(confidence) if confidence else None, "cameo": cameo, "plover": plover,
            "evidence": evidence, "sentence_start": begin, "article": article,
            "source_url": r.url_of_doc.get(article) or article, "mentions": mentions, "articles": articles}


def _edges(r: _Reader, graph: nx.MultiDiGraph):
    """(u, v, key, attrs) for every role, place, relation and membership between projected nodes."""
    nodes = graph.nodes
    for prop, role in ROLE_EDGES.items():
        for q in named_quads(r.store, None, _n(prop), None, None):
            u, v = q.subject.value, getattr(q.object, "value", None)
            if nodes.get(u, {}).get("kind") != EVENT or v not in nodes:
                continue
            event = nodes[u]
            yield u, v, f"{role}@{event['article']}", {
                "relation": role, "label": role, "evidence": event["evidence"], "article": event["article"],
                "confidence": event["confidence"], "date": event["date"], "position": _position(r, q, event)}
    for prop, name in RELATION_EDGES.items():
        for q in named_quads(r.store, None, _n(prop), None, None):
            u, v = q.subject.value, getattr(q.object, "value", None)
            if u not in nodes or v not in nodes or u == v:
                continue
            evidence, article, confidence = _statement(r, q)
            yield u, v, f"{name}@{article}", {"relation": name, "label": name, "evidence": evidence,
                                              "article": article, "confidence": confidence}
    for q in named_quads(r.store, None, _n(ORG.member), None, None):
        yield from _membership_edges(r, q, nodes)


def _position(r: _Reader, q: ox.Quad, event: dict) -> int:
    """Where the participant is first named in the event's article, so actor lists keep text order."""
    best = None
    for span in r.objects(q.object, GAF.denotedBy, q.graph_name):
        begin = r.text(span, NIF.beginIndex, q.graph_name)
        if begin is not None and (event["sentence_start"] is None or int(begin) >= event["sentence_start"]):
            best = int(begin) if best is None else min(best, int(begin))
    return best if best is not None else 1 << 40


def _statement(r: _Reader, q: ox.Quad) -> tuple[str, str, float | None]:
    """Evidence of a plain triple: the rdf:Statement describing it in the same graph, if any."""
    article = r.doc_of_graph.get(getattr(q.graph_name, "value", ""), "")
    for st in named_quads(r.store, None, _n(RDF.subject), q.subject, q.graph_name):
        s = st.subject
        if r.first(s, RDF.predicate, q.graph_name) == q.predicate and r.first(s, RDF.object, q.graph_name) == q.object:
            text, _ = r.evidence(s, q.graph_name)
            confidence = r.text(s, KG.confidence, q.graph_name)
            return text, article, float(confidence) if confidence else None
    if not article:  # a fact of the merged graph: where the gazetteer says a known place lies
        return GAZETTEER_EVIDENCE, "", None
    return "", article, None


def _membership_edges(r: _Reader, q: ox.Quad, nodes):
    person, g = q.object.value, q.graph_name
    if person not in nodes:
        return
    former = r.text(q.subject, KG.former, g) == "true"
    for org in r.objects(q.subject, ORG.organization, g):
        if org.value not in nodes or org.value == person:
            continue
        titles = [r.text(role, RDFS.label) or "" for role in r.objects(q.subject, ORG.role, g)] or [""]
        evidence, article = r.evidence(q.subject, g)
        confidence = r.text(q.subject, KG.confidence, g)
        for title in titles:
            label = ("former " if former else "") + (title or "member")
            yield person, org.value, f"{MEMBERSHIP}:{title}@{article}", {
                "relation": MEMBERSHIP, "label": label, "role": title, "former": former,
                "evidence": evidence, "article": article,
                "confidence": float(confidence) if confidence else None}


def participants(graph: nx.MultiDiGraph, event: str, *roles: str) -> list[str]:
    """The event's participants in these roles, in the order the article names them."""
    found: dict[str, int] = {}
    for _, v, data in graph.out_edges(event, data=True):
        if data["relation"] in roles:
            found[v] = min(found.get(v, 1 << 40), data.get("position", 1 << 40))
    return sorted(found, key=lambda v: (found[v], graph.nodes[v]["label"], v))


def entities(graph: nx.MultiDiGraph) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d["kind"] == ENTITY]


def events(graph: nx.MultiDiGraph) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d["kind"] == EVENT]
