"""The graph, read into what the explorer shows: nodes, stated links, evidence sentences, articles.

WHY a separate step: the page only presents. Which nodes exist and of what kind, the links that
articles state between them, the sentences that mention each one and the article each sentence
comes from are read here once, in Python, in a fixed order (so equal graphs give equal pages).
Nothing is escaped here: kg.explorer.page embeds the result as JSON that cannot leave its
<script> block, and the page's script renders every string as text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import GEO, ORG, OWL, RDF, RDFS, SKOS

from kg.explorer.claims import read_claims
from kg.explorer.labels import relabel
from kg.explorer.reading import (
    Props,
    Reader,
    clean,
    closure,
    local,
    union,
    web_url,
    words,
)
from kg.vocab import GAF, KG, KG_NS, SCHEMA, SEM

KGN = Namespace(KG_NS)  # plain namespace: classes declared only in data are fine
STYLES_PATH = Path(__file__).resolve().parent / "assets" / "styles.json"
KIND_ORDER = ("Person", "Organization", "Place", "NamedEvent", "Event")
ROOTS = {
    SCHEMA.Person: "Person", KGN.Person: "Person",
    SCHEMA.Organization: "Organization", ORG.Organization: "Organization", KGN.Organization: "Organization",
    SCHEMA.Place: "Place", KGN.Place: "Place",
    SCHEMA.Event: "Event", SEM.Event: "Event", KGN.NamedEvent: "Event", KGN.ReportedEvent: "Event",
}
ACTOR_PROPS = {SEM.hasActor, KGN.hasAgent, KGN.hasPatient, KGN.hasRecipient, KGN.hasSpeaker}
RELATION_PROPS = {SCHEMA.containedInPlace: "relation", KGN.partOf: "relation", KGN.ledBy: "relation"}
DATE = re.compile(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass
class Collected:
    """Everything the page can show, keyed by RDF terms; node i is nodes[i]."""

    nodes: list[dict]
    edges: dict[tuple[int, int, str], dict]  # (from, to, label) -> {"kind", "ev": set of sentences}
    sentences: dict  # sentence term -> (article term | None, begin, text)
    articles: dict  # article term -> {"id", "title", "date", "url", "publisher"}
    comention: bool = False
    focus: dict | None = field(default=None)
    claims: list[dict] = field(default_factory=list)  # kg.explorer.claims rows


@lru_cache(maxsize=1)
def styles() -> dict:
    try:
        return json.loads(STYLES_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{STYLES_PATH}: cannot read the explorer styles: {exc}") from exc


def _kind(classes: set, ancestors: dict) -> tuple[str, str | None, list] | None:
    """(kind, event type, class names) for a subject's rdf:types; None when none is shown."""
    found: dict[str, set] = defaultdict(set)
    reported: set = set()
    for cls in classes:
        above = {cls} | ancestors.get(cls, set())
        for coarse in {ROOTS[c] for c in above if c in ROOTS}:
            found[coarse].add(cls)
        if KGN.ReportedEvent in above:
            reported.add(cls)
    coarse = next((c for c in ("Person", "Organization", "Place", "Event") if c in found), None)
    if coarse is None:
        return None
    names = sorted({local(c) for c in found[coarse]})
    if coarse != "Event":
        return coarse, None, names
    if not reported:
        return "NamedEvent", None, names
    specific = sorted(local(c) for c in reported if c != KGN.ReportedEvent and not any(
        c in ancestors.get(other, set()) for other in reported))
    return "Event", specific[0] if specific else "ReportedEvent", names


def _quantity(g: Props, q) -> str | None:
    def num(prop, node=q):
        value = g.value(node, prop)
        if value is None:
            return None
        try:
            return f"{float(value):,.10g}"
        except ValueError:
            return clean(value)

    unit = clean(g.value(q, SCHEMA.unitText) or "")
    qualifier = clean(g.value(q, KGN.qualifier) or "")
    value, low, high = num(SCHEMA.value), num(SCHEMA.minValue), num(SCHEMA.maxValue)
    amount = value or (f"{low}\u2013{high}" if low and high else f"at least {low}" if low
                       else f"at most {high}" if high else None)
    before = g.value(q, KGN.fromQuantity)
    if before is not None and num(SCHEMA.value, before):
        amount = f"{num(SCHEMA.value, before)} \u2192 {amount or '?'}"
    if amount is None:
        return None
    return " ".join(p for p in (qualifier, amount, unit) if p)


def _event_details(g: Props, ev, index: dict, actor_props: set) -> dict:
    out: dict = {}
    status = g.value(ev, KGN.status)
    if status is not None:
        out["status"] = words(local(status)).lower()
    confidence = g.value(ev, KGN.confidence)
    try:
        if confidence is not None:
            out["confidence"] = round(float(confidence), 2)
    except ValueError:
        pass
    stamp = g.value(ev, SEM.hasTimeStamp)
    if stamp is not None:
        out["when"] = clean(stamp)
        match = DATE.match(str(stamp).strip())
        if match:
            out["date"] = match.group(0)
    time_text = g.value(ev, KGN.timeText)
    if time_text is not None:
        out["timeText"] = clean(time_text)
    quotes = sorted(clean(q) for q in g.objects(ev, KGN.quotation))
    if quotes:
        out["quote"] = quotes[0]
    amounts = sorted(filter(None, (_quantity(g, q) for q in g.objects(ev, KGN.hasQuantity))))
    if amounts:
        out["quantities"] = amounts
    others = sorted({(words(local(p)).lower(), clean(g.value(o, RDFS.label) or local(o)))
                     for p in actor_props for o in g.objects(ev, p) if o not in index})
    if others:
        out["others"] = [list(o) for o in others]
    return out


def _entity_details(g: Props, term) -> dict:
    out: dict = {}
    links = []
    for iri in sorted(set(map(str, g.objects(term, OWL.sameAs)))):
        url = web_url(iri)
        if url:
            host = (urlsplit(url).hostname or "").lower()
            name = ("Wikidata " if host.endswith("wikidata.org") else "GeoNames " if "geonames.org" in host
                    else host + " ") + local(url)
            links.append([name, url])
    if links:
        out["links"] = links
    corrected = sorted(str(g.value(c, RDFS.label) or "") for c in g.objects(term, KG.correctedBy))
    if corrected:  # an analyst's correction changed this node (kg.resolve.corrections)
        out["corrected"] = corrected
    for geometry in sorted(g.objects(term, GEO.hasGeometry), key=str):
        match = re.match(r"\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", str(g.value(geometry, GEO.asWKT) or ""))
        if match:
            out["coords"] = [round(float(match.group(2)), 5), round(float(match.group(1)), 5)]
            break
    return out


def collect(data: Graph) -> Collected:
    """Read the graph (a Dataset or Graph shaped as ontology/README.md describes) into Collected."""
    g = union(data)
    ancestors = closure(g, RDFS.subClassOf)
    types: dict = defaultdict(set)
    for subject, cls in g.subject_objects(RDF.type):
        if isinstance(subject, (URIRef, BNode)) and isinstance(cls, URIRef):
            types[subject].add(cls)
    props = Props(g)
    reader = Reader(props)
    nodes = []
    for term, classes in types.items():
        kind = _kind(classes, ancestors)
        if kind is None:
            continue
        labels = sorted(clean(x) for x in props.objects(term, RDFS.label) if clean(x))
        label = labels[0] if labels else clean(local(term))
        aliases = sorted({clean(a) for a in props.objects(term, SKOS.altLabel)} - {label, ""})
        nodes.append({"term": term, "kind": kind[0], "type": kind[1], "classes": kind[2],
                      "label": label, "aliases": aliases})
    rank = KIND_ORDER.index
    nodes.sort(key=lambda n: (rank(n["kind"]), n["label"].casefold(), n["label"], str(n["term"])))
    index = {n["term"]: i for i, n in enumerate(nodes)}
    actor_props = set(ACTOR_PROPS) | {p for p, up in closure(g, RDFS.subPropertyOf).items() if SEM.hasActor in up}
    for n in nodes:
        spans = sorted(props.objects(n["term"], GAF.denotedBy), key=str)
        n["mentions"] = len(spans)
        found = [reader.locate(span) for span in spans]
        n["evidence"] = sorted({(s, a, b) for s, a, b, _ in filter(None, found)}, key=str)
        n["docs"] = {d for *_, d in filter(None, found) if d is not None}
        n.update(_event_details(props, n["term"], index, actor_props) if n["kind"] == "Event"
                 else _entity_details(props, n["term"]))
    edges = _edges(g, props, nodes, index, actor_props, reader)
    comention = not edges
    if comention:
        edges = _comention_edges(nodes)
    relabel(nodes, edges, reader.sentences, reader.articles,
            {t: words(t) if t != "ReportedEvent" else "Event" for t in {n["type"] for n in nodes if n["type"]}})
    claims = read_claims(g, props, reader, index, nodes)
    return Collected(nodes, edges, reader.sentences, reader.articles, comention, claims=claims)


def _edges(g: Graph, props: Props, nodes: list[dict], index: dict, actor_props: set, reader: Reader) -> dict:
    edges: dict = {}

    def add(a, b, label, kind, evidence):
        if a in index and b in index and a != b:
            edge = edges.setdefault((index[a], index[b], label), {"kind": kind, "ev": set()})
            edge["ev"].update(s for s in evidence if reader.sentence(s) is not None)

    stated: dict = defaultdict(set)
    for stmt in g.subjects(RDF.type, RDF.Statement):
        key = (props.value(stmt, RDF.subject), props.value(stmt, RDF.predicate), props.value(stmt, RDF.object))
        for span in props.objects(stmt, GAF.denotedBy):
            located = reader.locate(span)
            if located:
                stated[key].add(located[0])
    own = {n["term"]: {s for s, *_ in n["evidence"]} for n in nodes if n["kind"] == "Event"}
    for prop in sorted(actor_props | {SEM.hasPlace} | set(RELATION_PROPS)):
        kind = "actor" if prop in actor_props else "place" if prop == SEM.hasPlace else "relation"
        for s, o in g.subject_objects(prop):
            add(s, o, words(local(prop)).lower(), kind, stated[(s, prop, o)] | own.get(s, set()))
    for later, earlier in g.subject_objects(OWL.sameAs):  # one event reported by two articles
        if later in index and earlier in index and nodes[index[later]]["kind"] == "Event":
            add(later, earlier, "same event", "same", own.get(later, set()) | own.get(earlier, set()))
            notes = sorted(clean(c) for st in g.subjects(RDF.subject, later) if props.value(st, RDF.object) == earlier
                           for c in props.objects(st, RDFS.comment))
            if notes and (index[later], index[earlier], "same event") in edges:
                edges[(index[later], index[earlier], "same event")]["note"] = notes[0]
    for membership in g.subjects(RDF.type, ORG.Membership):
        roles = sorted(clean(r) if isinstance(r, Literal) else clean(props.value(r, RDFS.label) or local(r))
                       for r in props.objects(membership, ORG.role))
        former = any(f.toPython() is True for f in props.objects(membership, KGN.former) if isinstance(f, Literal))
        label = ("former " if former else "") + (roles[0] if roles and roles[0] else "member")
        evidence = {x[0] for x in map(reader.locate, props.objects(membership, GAF.denotedBy)) if x}
        orgs = sorted(props.objects(membership, ORG.organization), key=str)
        for member in props.objects(membership, ORG.member):
            for org in orgs:
                add(member, org, label, "role", evidence)
            if not orgs and member in index and roles:
                posts = nodes[index[member]].setdefault("posts", [])
                if label not in posts:
                    posts.append(label)
                    posts.sort()
    for a, b, label in [k for k in edges if k[2] == "agent"]:  # a speaker is its statement's agent too
        if (a, b, "speaker") in edges:
            edges[(a, b, "speaker")]["ev"] |= edges.pop((a, b, label))["ev"]
    return edges


def _comention_edges(nodes: list[dict]) -> dict:
    """Fallback when nothing relates entities yet: link names that share a sentence."""
    by_sentence: dict = defaultdict(set)
    for i, n in enumerate(nodes):
        for sentence, *_ in n["evidence"]:
            by_sentence[sentence].add(i)
    edges: dict = {}
    for sentence, members in by_sentence.items():
        ordered = sorted(members)
        for x, a in enumerate(ordered):
            for b in ordered[x + 1:]:
                edges.setdefault((a, b, "co-mentioned"), {"kind": "comention", "ev": set()})["ev"].add(sentence)
    return edges
