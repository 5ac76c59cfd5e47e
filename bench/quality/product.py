"""Read a build folder back into mentions, events, times and relations, with SPARQL only.

Everything the product is scored on comes from `graph.trig` (loaded into an in-memory Oxigraph
store, the default graph being the union of the article graphs and the merged graph), so the
benchmark sees exactly what a user of the build sees. Offsets in the graph point into each
article's `nif:isString`; `Aligner` maps them back onto the text the benchmark wrote, which is
the identity unless the product's cleaning changed the text.
"""

from __future__ import annotations

import difflib
import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from bench.quality.common import REPO, Doc, Mention
from bench.quality.tempeval import to_timeml

PREFIXES = """PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
PREFIX kg: <https://w3id.org/newskg/ns#>
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# --- what classes and properties mean, read from ontology/kg.ttl (not from the kg package) ------

KG = "https://w3id.org/newskg/ns#"
SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
RDFS_SUB_CLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_SUB_PROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"

COARSE_ROOTS = {SCHEMA + "Person": "Person", SCHEMA + "Organization": "Organization",
                SCHEMA + "Place": "Place", SCHEMA + "Event": "Event"}
# Event classes that say only "an event": a trigger typed only with these has no specific class.
CATCH_ALL_EVENTS = frozenset({KG + "Event", KG + "ReportedEvent", SEM + "Event", SCHEMA + "Event"})
NAMED_EVENT = KG + "NamedEvent"  # events that are entities (operations, forums), not reported events
PARTICIPANT_ROOTS = (SEM + "hasActor", SEM + "hasPlace")
ONTOLOGY = REPO / "ontology" / "kg.ttl"  # the published ontology, outside the kg package


@lru_cache(maxsize=4)
def _edges(path: Path, predicate: str) -> dict[str, set[str]]:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    up: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            up[q.subject.value].add(q.object.value)
    return up


def ancestors(iri: str, up: dict[str, set[str]]) -> set[str]:
    """The IRI and everything above it (subClassOf / subPropertyOf closure)."""
    seen, todo = {iri}, [iri]
    while todo:
        for parent in up.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def coarse_type(cls: str, path: Path = ONTOLOGY) -> str | None:
    """'Person', 'Organization', 'Place' or 'Event' for a class, else None (kg:UnnamedSource)."""
    above = ancestors(cls, _edges(path, RDFS_SUB_CLASS))
    found = [COARSE_ROOTS[a] for a in sorted(above) if a in COARSE_ROOTS]
    return found[0] if found else None


def is_named_event(cls: str, path: Path = ONTOLOGY) -> bool:
    return NAMED_EVENT in ancestors(cls, _edges(path, RDFS_SUB_CLASS))


def is_participant_property(prop: str, path: Path = ONTOLOGY) -> bool:
    """sem:hasActor, sem:hasPlace and their subproperties (kg:hasAgent, kg:hasSpeaker ...)."""
    return bool(ancestors(prop, _edges(path, RDFS_SUB_PROPERTY)) & set(PARTICIPANT_ROOTS))


COARSE_LABEL = {"Person": "PER", "Organization": "ORG", "Place": "LOC"}
DEMONYM_RULES = frozenset({"demonym"})  # kg:extractedBy of a mention that is a nationality word
REFERENCE_RULES = frozenset({"pronoun", "nominal"})  # 'he', 'the general': resolved to a person, not names


def model_name(build_dir: Path) -> str:
    """The spaCy package the build used, from report.json ({'lang': 'en', 'name': 'core_web_sm'})."""
    model = json.loads((Path(build_dir) / "report.json").read_text())["model"]
    name = model["name"]
    return name if name.startswith(model["lang"] + "_") else f"{model['lang']}_{name}"


class Aligner:
    """Maps spans of the product's text onto ours (identity when both texts are equal)."""

    def __init__(self, theirs: str, ours: str) -> None:
        self.identity = theirs == ours
        self.blocks = [] if self.identity else [
            b for b in difflib.SequenceMatcher(None, theirs, ours, autojunk=False).get_matching_blocks() if b.size]
        self.starts = [b.a for b in self.blocks]

    def _point(self, i: int, end: bool) -> int | None:
        k = bisect_right(self.starts, i - 1 if end else i) - 1
        if k < 0:
            return None
        b = self.blocks[k]
        j = i - 1 if end else i
        return b.b + (j - b.a) + (1 if end else 0) if j < b.a + b.size else None

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        if self.identity:
            return start, end
        s, e = self._point(start, False), self._point(end, True)
        return (s, e) if s is not None and e is not None and s < e else None


@dataclass(frozen=True)
class Event:
    doc: str
    iri: str
    start: int
    end: int
    classes: tuple[str, ...]
    participants: tuple[str, ...]  # entity IRIs (agents, patients, speakers, places ...)

    @property
    def specific(self) -> bool:
        return any(c not in CATCH_ALL_EVENTS for c in self.classes)


@dataclass(frozen=True)
class Relation:
    doc: str
    predicate: str  # 'containedInPlace', 'partOf', 'ledBy', 'membership'
    subject: str
    object: str | None
    evidence: tuple[int, int]


class Build:
    """One build folder, read once; all offsets are returned in our documents' coordinates."""

    def __init__(self, build_dir: Path, docs: list[Doc]) -> None:
        self.dir = Path(build_dir)
        self.store = ox.Store()
        self.store.bulk_load(path=str(self.dir / "graph.trig"), format=ox.RdfFormat.TRIG)
        ours = {d.id: d.text for d in docs}
        self.doc_of: dict[str, str] = {}
        self.aligners: dict[str, Aligner] = {}
        self.product_text: dict[str, str] = {}  # by context IRI
        for r in self.query("SELECT ?ctx ?id ?text WHERE { ?ctx a nif:Context ; schema:identifier ?id ; "
                            "nif:isString ?text }"):
            doc_id = r["id"].value
            if doc_id in ours:
                self.doc_of[r["ctx"].value] = doc_id
                self.product_text[r["ctx"].value] = r["text"].value
                self.aligners[doc_id] = Aligner(r["text"].value, ours[doc_id])
        self.texts_differ = sorted(d for d, a in self.aligners.items() if not a.identity)
        self.missing = sorted(set(ours) - set(self.aligners))

    def query(self, sparql: str) -> list:
        return list(self.store.query(PREFIXES + sparql, use_default_graph_as_union=True))

    def _span(self, ctx: str, b, e) -> tuple[str, int, int] | None:
        doc = self.doc_of.get(ctx)
        span = self.aligners[doc].span(int(b.value), int(e.value)) if doc else None
        return (doc, *span) if span else None

    def entity_mentions(self, demonyms: bool = False, references: bool | None = None) -> list[Mention]:
        """Mentions of Person/Organization/Place entities, labelled PER/ORG/LOC, key = entity IRI;
        demonym mentions ('Iraqi' for Iraq) only when asked: a nationality is not a place name,
        but it does name the country in 'Iraqi Prime Minister'. Pronoun and nominal references
        ('he', 'the general') are no names either: they come with `references` (default: with
        the demonyms, as the coreference measures want every mention of an entity)."""
        references = demonyms if references is None else references
        types: dict[str, set[str]] = defaultdict(set)
        for r in self.query("SELECT DISTINCT ?e ?t WHERE { ?e gaf:denotedBy ?m ; a ?t }"):
            coarse = coarse_type(r["t"].value)
            if coarse in COARSE_LABEL:
                types[r["e"].value].add(COARSE_LABEL[coarse])
        out = set()
        for r in self.query("SELECT ?e ?b ?x ?ctx ?rule WHERE { ?e gaf:denotedBy ?m . ?m nif:beginIndex ?b ; "
                            "nif:endIndex ?x ; nif:referenceContext ?ctx . OPTIONAL { ?m kg:extractedBy ?rule } }"):
            entity = r["e"].value
            rule = r["rule"].value if r["rule"] is not None else ""
            if entity not in types or (rule in DEMONYM_RULES and not demonyms) or (
                    rule in REFERENCE_RULES and not references):
                continue
            span = self._span(r["ctx"].value, r["b"], r["x"])
            if span:
                label = sorted(types[entity])[0]  # one coarse class per entity in practice
                out.add(Mention(*span, label, key=entity))
        return sorted(out, key=lambda m: (m.doc, m.start, m.end, m.label, m.key))

    def events(self) -> list[Event]:
        """Reported events (not named events, which are entities) with trigger and participants."""
        classes: dict[str, set[str]] = defaultdict(set)
        for r in self.query("SELECT DISTINCT ?ev ?t WHERE { ?ev gaf:denotedBy ?m ; a ?t }"):
            cls = r["t"].value
            if coarse_type(cls) == "Event" or cls in CATCH_ALL_EVENTS:
                classes[r["ev"].value].add(cls)
        named = {e for e, cs in classes.items() if any(is_named_event(c) for c in cs)}
        parts: dict[str, set[str]] = defaultdict(set)
        for r in self.query("SELECT DISTINCT ?ev ?p ?a WHERE { ?ev ?p ?a . ?ev gaf:denotedBy ?m . "
                            "FILTER(isIRI(?a)) }"):
            if r["ev"].value in classes and is_participant_property(r["p"].value):
                parts[r["ev"].value].add(r["a"].value)
        out = []
        for r in self.query("SELECT ?ev ?b ?x ?ctx WHERE { ?ev gaf:denotedBy ?m . ?m nif:beginIndex ?b ; "
                            "nif:endIndex ?x ; nif:referenceContext ?ctx }"):
            ev = r["ev"].value
            if ev not in classes or ev in named:
                continue
            span = self._span(r["ctx"].value, r["b"], r["x"])
            if span:
                out.append(Event(span[0], ev, span[1], span[2], tuple(sorted(classes[ev])),
                                 tuple(sorted(parts[ev]))))
        return sorted(set(out), key=lambda e: (e.doc, e.start, e.end, e.iri))

    def relations(self) -> list[Relation]:
        """Stated relations with their evidence span: rdf:Statements (containedInPlace, partOf,
        ledBy) and posts (org:Membership, object = the organization, or None)."""
        out = set()
        for r in self.query("SELECT ?s ?p ?o ?b ?x ?ctx WHERE { ?st a rdf:Statement ; rdf:subject ?s ; "
                            "rdf:predicate ?p ; rdf:object ?o ; gaf:denotedBy ?span . ?span nif:beginIndex ?b ; "
                            "nif:endIndex ?x ; nif:referenceContext ?ctx }"):
            span = self._span(r["ctx"].value, r["b"], r["x"])
            if span:
                name = r["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                out.add(Relation(span[0], name, r["s"].value, r["o"].value, span[1:]))
        for r in self.query("SELECT ?person ?org ?b ?x ?ctx WHERE { ?ms a org:Membership ; org:member ?person ; "
                            "gaf:denotedBy ?span . ?span nif:beginIndex ?b ; nif:endIndex ?x ; "
                            "nif:referenceContext ?ctx . OPTIONAL { ?ms org:organization ?org } }"):
            span = self._span(r["ctx"].value, r["b"], r["x"])
            if span:
                org = r["org"].value if r["org"] is not None else None
                out.add(Relation(span[0], "membership", r["person"].value, org, span[1:]))
        return sorted(out, key=lambda r: (r.doc, r.evidence, r.predicate, r.subject, r.object or ""))

    def times(self) -> list[Mention]:
        """Time expressions with their TimeML value as label ('' when the product gave none)."""
        found = {}
        for m in time_nodes(self):
            found.setdefault((m.doc, m.start, m.end), set()).add(m.label)
        for m in attached_times(self):  # older graphs: times only on events and quantities
            if (m.doc, m.start, m.end) not in found:
                found[(m.doc, m.start, m.end)] = {m.label}
        # one value per span: a value beats none; among values the smallest, for determinism
        return [Mention(d, s, e, min(v - {""}) if v - {""} else "") for (d, s, e), v in sorted(found.items())]


# --- times: the one place to adapt when the graph grows time-expression nodes -------------------

TIME_NODE_CLASSES = ("time:Duration", "time:Instant", "time:Interval", "time:ProperInterval", "time:TemporalEntity",
                     "time:DateTimeDescription", "time:TemporalDuration", "kg:TimeExpression")
TIME_VALUE_PROPERTIES = ("sem:hasTimeStamp", "time:inXSDDate", "time:inXSDgYear", "time:inXSDgYearMonth",
                         "time:inXSDDateTime", "time:inXSDDateTimeStamp", "time:hasXSDDuration",
                         "rdf:value", "kg:timeValue", "kg:value")


def time_nodes(build: Build) -> list[Mention]:
    """Nodes typed as times (OWL-Time or a kg: time class) that point to their mention."""
    out = []
    for r in build.query(f"""SELECT ?v ?tv ?b ?x ?ctx WHERE {{
            VALUES ?cls {{ {' '.join(TIME_NODE_CLASSES)} }}
            ?t a ?cls ; gaf:denotedBy ?m . ?m nif:beginIndex ?b ; nif:endIndex ?x ; nif:referenceContext ?ctx .
            OPTIONAL {{ ?t kg:timexValue ?tv }}
            OPTIONAL {{ ?t {'|'.join(TIME_VALUE_PROPERTIES)} ?v }} }}"""):
        span = build._span(r["ctx"].value, r["b"], r["x"])
        if span:  # the TimeML value as the product states it, else one read from a calendar value
            out.append(Mention(*span, r["tv"].value if r["tv"] is not None else _value(r["v"])))
    return out


def attached_times(build: Build) -> list[Mention]:
    """Times the graph holds only as a value plus the text as written (kg:timeText) on an event or
    a quantity: the text is looked up in the sentence of the node's own mention, nearest first."""
    out = []
    for r in build.query("""SELECT ?v ?text ?b ?x ?sb ?sx ?ctx WHERE {
            ?n kg:timeText ?text ; gaf:denotedBy ?m . OPTIONAL { ?n sem:hasTimeStamp ?v }
            ?m nif:beginIndex ?b ; nif:endIndex ?x ; nif:referenceContext ?ctx ; nif:sentence ?s .
            ?s nif:beginIndex ?sb ; nif:endIndex ?sx . }"""):
        doc = build.doc_of.get(r["ctx"].value)
        if doc is None:
            continue
        where = locate(build.product_text[r["ctx"].value], r["text"].value,
                       (int(r["sb"].value), int(r["sx"].value)), int(r["b"].value))
        span = build.aligners[doc].span(*where) if where else None
        if span:
            out.append(Mention(doc, *span, _value(r["v"])))
    return out


def locate(text: str, needle: str, sentence: tuple[int, int], near: int) -> tuple[int, int] | None:
    """The occurrence of `needle` inside text[sentence] closest to offset `near`."""
    if not needle:
        return None
    b, e = sentence
    hits, i = [], text.find(needle, b, e)
    while i != -1:
        hits.append(i)
        i = text.find(needle, i + 1, e)
    if not hits:
        return None
    start = min(hits, key=lambda h: (abs(h - near), h))
    return start, start + len(needle)


def _value(term) -> str:
    if term is None:
        return ""
    datatype = term.datatype.value if isinstance(term, ox.Literal) else None
    return to_timeml(term.value, datatype)
