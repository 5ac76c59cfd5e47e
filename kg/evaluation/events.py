"""Graph reading shared by the scorers of :mod:`kg.evaluation.evaluate`, and the event scorer.

``GraphView`` flattens a Dataset into one union graph once, and answers the few questions every
scorer asks (coarse type, documents of a node, offsets, sentences), so the scoring rules stay short
and read like their definitions in :mod:`kg.evaluation.evaluate`'s docstring.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from rdflib import ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.evaluation.gold import EVENT_TYPES, QUOTE_FOLDING, GoldEvent, normalize_name
from kg.vocab import GAF, KG_NS, NIF, SCHEMA, SEM

K = lambda local: URIRef(KG_NS + local)  # noqa: E731 - event terms are not in vocab.KG yet

COARSE_ROOTS = {SCHEMA.Person: "Person", SCHEMA.Organization: "Organization",
                SCHEMA.Place: "Place", SCHEMA.Event: "Event", SEM.Event: "Event"}
ROLE_PROPERTIES = {"agent": K("hasAgent"), "patient": K("hasPatient"),
                   "recipient": K("hasRecipient"), "speaker": K("hasSpeaker")}
REPORTED_EVENT = K("ReportedEvent")
_CHAR_FRAGMENT = re.compile(r"#char=(\d+),(\d+)$")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n+")


def event_class(gold_type: str) -> URIRef:
    """Gold event type -> ontology class: 'seizure_of_power' -> kg:SeizureOfPower."""
    return K("".join(part.capitalize() for part in gold_type.split("_")))


def local_name(term: Node) -> str:
    return re.split(r"[#/]", str(term))[-1]


@dataclass(frozen=True)
class Ratio:
    """found out of total; rate is None when there is nothing to find."""

    found: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.found / self.total if self.total else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.found + other.found, self.total + other.total)

    def as_dict(self) -> dict:
        rate = self.rate
        return {"found": self.found, "total": self.total, "rate": None if rate is None else round(rate, 4)}


class GraphView:
    """The union of every graph of the data, plus the class and property hierarchy."""

    def __init__(self, data: Graph, ontology: Graph | None):
        self.graph = Graph()
        self.article_of_graph: dict[Node, Node] = {}
        self.graphs_of: dict[Node, set[Node]] = defaultdict(set)
        quads = data.quads((None, None, None, None)) if isinstance(data, ConjunctiveGraph) else (
            (s, p, o, None) for s, p, o in data)
        for s, p, o, g in quads:
            g = getattr(g, "identifier", g)
            self.graph.add((s, p, o))
            if g is not None:
                self.graphs_of[s].add(g)
                if p == RDF.type and o in (SCHEMA.NewsArticle, NIF.Context):
                    self.article_of_graph[g] = s
        self.schema = Graph()
        for source in (self.graph, ontology if ontology is not None else Graph()):
            for p in (RDFS.subClassOf, RDFS.subPropertyOf):
                for triple in source.triples((None, p, None)):
                    self.schema.add(triple)
        self._supers: dict[Node, frozenset[Node]] = {}

    # -- classes and properties -------------------------------------------------------------
    def supers(self, term: Node) -> frozenset[Node]:
        """The term and everything above it (rdfs:subClassOf / rdfs:subPropertyOf, transitively)."""
        if term not in self._supers:
            seen, todo = {term}, [term]
            while todo:
                current = todo.pop()
                for p in (RDFS.subClassOf, RDFS.subPropertyOf):
                    for parent in self.schema.objects(current, p):
                        if parent not in seen:
                            seen.add(parent)
                            todo.append(parent)
            self._supers[term] = frozenset(seen)
        return self._supers[term]

    def types(self, node: Node) -> list[Node]:
        return sorted(self.graph.objects(node, RDF.type), key=str)

    def coarse_types(self, node: Node) -> frozenset[str]:
        """Person / Organization / Place / Event, from the node's classes up the hierarchy."""
        return frozenset(COARSE_ROOTS[c] for t in self.types(node) for c in self.supers(t) if c in COARSE_ROOTS)

    def is_a(self, node: Node, cls: URIRef) -> bool:
        return any(cls in self.supers(t) for t in self.types(node))

    def reported_events(self) -> list[Node]:
        """Instances of a kg:ReportedEvent subclass (or of a class named like a gold event type)."""
        names = {event_class(t) for t in EVENT_TYPES}
        return sorted({s for s, t in self.graph.subject_objects(RDF.type)
                       if t in names or REPORTED_EVENT in self.supers(t)}, key=str)

    def actor_properties(self) -> frozenset[Node]:
        subs = {p for p in set(self.graph.predicates()) | set(self.schema.subjects(RDFS.subPropertyOf, None))
                if SEM.hasActor in self.supers(p)}
        return frozenset(subs | {SEM.hasActor, *ROLE_PROPERTIES.values()})

    # -- labels ------------------------------------------------------------------------------
    def labels(self, node: Node) -> set[str]:
        return {normalize_name(o) for p in (RDFS.label, SKOS.altLabel)
                for o in self.graph.objects(node, p) if isinstance(o, Literal)}

    # -- documents, spans, sentences ---------------------------------------------------------
    def offsets(self, span: Node) -> tuple[int, int] | None:
        b, e = self.graph.value(span, NIF.beginIndex), self.graph.value(span, NIF.endIndex)
        if b is not None and e is not None:
            return int(b), int(e)
        m = _CHAR_FRAGMENT.search(str(span))
        return (int(m.group(1)), int(m.group(2))) if m else None

    def article_of_span(self, span: Node) -> Node | None:
        ctx = self.graph.value(span, NIF.referenceContext)
        if ctx is None and isinstance(span, URIRef) and "#" in span:
            ctx = URIRef(str(span).split("#", 1)[0])
        return ctx

    def mentions(self, node: Node) -> list[Node]:
        return sorted(self.graph.objects(node, GAF.denotedBy), key=str)

    def node_articles(self, node: Node) -> set[Node]:
        """Articles a node is grounded in: by its mentions, else by the named graph holding it."""
        found = {a for m in self.mentions(node) if (a := self.article_of_span(m)) is not None}
        found |= {self.article_of_graph[g] for g in self.graphs_of.get(node, ()) if g in self.article_of_graph}
        return found

    def text(self, article: Node) -> str | None:
        value = self.graph.value(article, NIF.isString)
        return None if value is None else str(value)

    def sentences(self, article: Node) -> list[tuple[int, int]]:
        """Sentence spans of an article: nif:Sentence nodes and nif:sentence targets, else a
        punctuation split of nif:isString (so graphs without sentences can still be scored)."""
        spans = set(self.graph.subjects(RDF.type, NIF.Sentence)) | set(self.graph.objects(None, NIF.sentence))
        found = sorted(o for s in spans if self.article_of_span(s) == article and (o := self.offsets(s)))
        if found:
            return found
        text, start, result = self.text(article) or "", 0, []
        for m in _SENTENCE_END.finditer(text):
            result.append((start, m.end()))
            start = m.end()
        return result + [(start, len(text))] if start < len(text) else result


def locate_evidence(text: str, evidence: str) -> int | None:
    """Start offset of the evidence in the text. Only the piece before the first '...' elision is
    searched; quotes, dashes, spacing and case are ignored."""
    piece = next((p.strip() for p in re.split(r"\.\.\.|\u2026", evidence) if p.strip()), "")
    if not piece:
        return None
    norm, index = [], []
    for i, ch in enumerate(text.translate(QUOTE_FOLDING)):
        if ch.isspace():
            if norm and norm[-1] == " ":
                continue
            ch = " "
        for folded in ch.casefold():  # one index per folded char keeps offsets exact ('ß' -> 'ss')
            norm.append(folded)
            index.append(i)
    needle = " ".join(piece.translate(QUOTE_FOLDING).split()).casefold()
    at = "".join(norm).find(needle)
    return index[at] if at >= 0 else None


# -- event scoring ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EventMatch:
    """A gold event and the extracted event matched to it, with its arguments scored."""

    gold_id: str
    node: str
    trigger: str
    participants: Ratio  # in the right role
    participants_any_role: Ratio
    places: Ratio
    time: bool | None  # None: the gold event has no time
    quantity: bool | None
    status: bool
    missing: tuple[str, ...]  # "agent: United States", "time: 2017", ...


@dataclass(frozen=True)
class EventMiss:
    gold_id: str
    doc: str
    type: str
    reason: str


@dataclass(frozen=True)
class EventScores:
    recall: Ratio  # gold events matched
    participants: Ratio  # gold participants attached in the right role (over all gold events)
    participants_any_role: Ratio
    places: Ratio
    times: Ratio
    attachment: Ratio  # participants (any role) + places + times, over all gold events
    attachment_matched: Ratio  # the same, over matched gold events only
    absolute_dates: Ratio  # gold events with an ISO time value whose event carries exactly it
    quantities: Ratio  # gold events with a quantity whose event carries it
    status: Ratio  # matched events with the gold status
    matched: tuple[EventMatch, ...]
    missed: tuple[EventMiss, ...]


def quantity_numbers(view: GraphView, q: Node) -> set[float]:
    """Numeric values of a quantity: a literal, or schema:value / minValue / maxValue of a node."""
    if isinstance(q, Literal):
        candidates: Iterable[Node] = [q]
    else:
        candidates = [o for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue) for o in view.graph.objects(q, p)]
    values = set()
    for o in candidates:
        try:
            values.add(float(o))
        except (TypeError, ValueError):
            continue
    return values


def _quantity_ok(view: GraphView, ev: Node, gold) -> bool:
    """A kg:hasQuantity whose unitText contains the gold unit carries the 'to' value, and the
    'from' value through kg:fromQuantity (the value before the change)."""
    g, unit = view.graph, (gold.unit or "").casefold()
    for q in sorted(g.objects(ev, K("hasQuantity")), key=str):
        if unit and not any(unit in str(u).casefold() for u in g.objects(q, SCHEMA.unitText)):
            continue
        if gold.to_value is not None and gold.to_value not in quantity_numbers(view, q):
            continue
        if gold.from_value is None or any(gold.from_value in quantity_numbers(view, before)
                                          for before in g.objects(q, K("fromQuantity"))):
            return True
    return False


def _score_match(view: GraphView, ev: Node, gold: GoldEvent, nodes_for, actor_props) -> EventMatch:
    g, missing = view.graph, []
    right = any_role = 0
    actors = {o for p in actor_props for o in g.objects(ev, p)}
    for role, name in gold.participants:
        nodes = nodes_for(name)
        in_role = bool(nodes & set(g.objects(ev, ROLE_PROPERTIES[role])))
        in_any = bool(nodes & actors)
        right, any_role = right + in_role, any_role + in_any
        if not in_role:
            missing.append(f"{role}: {name}" + (" (in another role)" if in_any else ""))
    place_nodes = set(g.objects(ev, SEM.hasPlace))
    places = 0
    for name in gold.place:
        if nodes_for(name) & place_nodes:
            places += 1
        else:
            missing.append(f"place: {name}")
    time_ok = None
    if gold.time is not None:
        if gold.time.value is not None:
            time_ok = any(str(o) == gold.time.value for o in g.objects(ev, SEM.hasTimeStamp))
        else:
            time_ok = any(_same_expression(gold.time.text, str(o)) for o in g.objects(ev, K("timeText")))
        if not time_ok:
            missing.append(f"time: {gold.time.value or gold.time.text}")
    quantity_ok = None if gold.quantity is None else _quantity_ok(view, ev, gold.quantity)
    if quantity_ok is False:
        missing.append(f"quantity: {gold.quantity.from_value} -> {gold.quantity.to_value} {gold.quantity.unit}")
    status_ok = any(local_name(o).casefold() == gold.status.casefold() for o in g.objects(ev, K("status")))
    if not status_ok:
        missing.append(f"status: {gold.status}")
    n = len(gold.participants)
    return EventMatch(gold.id, str(ev), _trigger_text(view, ev), Ratio(right, n), Ratio(any_role, n),
                      Ratio(places, len(gold.place)), time_ok, quantity_ok, status_ok, tuple(missing))


def _trigger_text(view: GraphView, ev: Node) -> str:
    return " / ".join(sorted({str(a) for m in view.mentions(ev) for a in view.graph.objects(m, NIF.anchorOf)}))


def _in_sentence(view: GraphView, ev: Node, article: Node, sentence: tuple[int, int]) -> bool:
    for m in view.mentions(ev):
        off = view.offsets(m)
        if off and view.article_of_span(m) == article and sentence[0] <= off[0] and off[1] <= sentence[1]:
            return True
    return False


def score_events(view: GraphView, events: Iterable[GoldEvent], articles: dict[str, Node],
                 nodes_for: Callable[[str], frozenset[Node]]) -> EventScores:
    """Match gold events to extracted ones (greedy, in gold order, each extracted event used once,
    preferring one whose trigger contains the gold trigger word), then score their arguments."""
    extracted, actor_props, used = view.reported_events(), view.actor_properties(), set()
    matched, missed = [], []
    totals = {k: Ratio(0, 0) for k in ("part", "any", "place", "time", "matched_att", "abs", "qty")}
    for gold in events:
        n_part, n_place, n_time = len(gold.participants), len(gold.place), int(gold.time is not None)
        has_abs = gold.time is not None and gold.time.value is not None
        match, reason = None, None
        article = articles.get(gold.doc)
        start = None if article is None else locate_evidence(view.text(article) or "", gold.evidence)
        if article is None:
            reason = "document not in the graph"
        elif start is None:
            reason = "evidence not found in the article text"
        else:
            sentence = next((s for s in view.sentences(article) if s[0] <= start < s[1]), (start, start))
            here = [e for e in extracted if _in_sentence(view, e, article, sentence)]
            cls = event_class(gold.type)
            fits = [e for e in here if e not in used and view.is_a(e, cls)]
            fits.sort(key=lambda e: (gold.trigger.casefold() not in _trigger_text(view, e).casefold(), str(e)))
            if fits:
                used.add(fits[0])
                match = _score_match(view, fits[0], gold, nodes_for, actor_props)
            else:
                found = sorted({local_name(t) for e in here for t in view.types(e)})
                reason = f"no kg:{local_name(cls)} event in the sentence" + (
                    f" (found there: {', '.join(found)})" if found else "")
        if match is None:
            missed.append(EventMiss(gold.id, gold.doc, gold.type, reason or ""))
            match_counts = (0, 0, 0, 0, 0, 0)
        else:
            matched.append(match)
            match_counts = (match.participants.found, match.participants_any_role.found, match.places.found,
                            int(bool(match.time)), int(has_abs and bool(match.time)), int(bool(match.quantity)))
            attached = match_counts[1] + match_counts[2] + match_counts[3]
            totals["matched_att"] += Ratio(attached, n_part + n_place + n_time)
        totals["part"] += Ratio(match_counts[0], n_part)
        totals["any"] += Ratio(match_counts[1], n_part)
        totals["place"] += Ratio(match_counts[2], n_place)
        totals["time"] += Ratio(match_counts[3], n_time)
        totals["abs"] += Ratio(match_counts[4], int(has_abs))
        totals["qty"] += Ratio(match_counts[5], int(gold.quantity is not None))
    n_events = len(matched) + len(missed)
    return EventScores(
        recall=Ratio(len(matched), n_events), participants=totals["part"], participants_any_role=totals["any"],
        places=totals["place"], times=totals["time"], attachment=totals["any"] + totals["place"] + totals["time"],
        attachment_matched=totals["matched_att"], absolute_dates=totals["abs"], quantities=totals["qty"],
        status=Ratio(sum(m.status for m in matched), len(matched)),
        matched=tuple(sorted(matched, key=lambda m: m.gold_id)), missed=tuple(sorted(missed, key=lambda m: m.gold_id)))


def _same_expression(gold: str, found: str) -> bool:
    """A time expression as written, give or take its preposition: 'in the coming months' ~
    'the coming months'. Either contains the other (case-insensitive)."""
    a, b = gold.casefold().strip(), found.casefold().strip()
    return bool(b) and (a in b or b in a)
