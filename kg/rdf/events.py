"""Events, relations and quantities -> quads in their article's named graph.

Each node points at the span that states it (gaf:denotedBy), so every fact leads back to its
sentence. Plain triples (schema:containedInPlace, kg:partOf, kg:ledBy) stay easy to query; their
evidence and confidence sit on an rdf:Statement that describes them.
"""

from __future__ import annotations

from dataclasses import replace

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf import iris
from kg.rdf.mapping import ArticleGraph, decimal, entity_node, integer, term, text
from kg.rdf.roles import role_label
from kg.rdf.times import add_event_time, time_literal
from kg.records import (
    FROM_PUBLICATION,
    Argument,
    EventLink,
    EventRecord,
    EventSignature,
    Quantity,
    QuantityFacts,
    RelationRecord,
    Span,
)
from kg.resolve.locator import EntityLocator
from kg.vocab import GAF, KG, NIF, ORG, OWL, RDF, RDFS, SCHEMA, SEM, XSD

ROLE_PROPERTIES = {"agent": KG.hasAgent, "patient": KG.hasPatient, "recipient": KG.hasRecipient,
                   "speaker": KG.hasSpeaker}
RELATION_PROPERTIES = {"located_in": SCHEMA.containedInPlace, "part_of": KG.partOf, "led_by": KG.ledBy}


def confidence(value: float) -> Literal:
    return decimal(value, places=2)


def number(value: float) -> Literal:
    return integer(int(value)) if float(value).is_integer() else decimal(value)


def add_events(g: ArticleGraph, events: list[EventRecord], where: EntityLocator) -> list[EventSignature]:
    """The events' quads into the article graph; returns what cross-article linking needs."""
    signatures = []
    for ev in events:
        ev = _with_handed_over_place(ev)
        node = NamedNode(str(iris.event(ev.doc_id, ev.trigger_start, ev.trigger_end)))
        g.add(node, RDF.type, term(KG[ev.type]))
        g.add(node, GAF.denotedBy, g.span(ev.trigger_start, ev.trigger_end, sentence=ev.sentence,
                                          rule="event-trigger"))
        g.add(node, KG.status, term(KG[ev.status]))
        g.add(node, KG.confidence, confidence(ev.confidence))
        names: dict[str, list[str]] = {}
        actors, places = set(), set()
        for arg in ev.arguments:
            if arg.role == "instrument":  # rarely an entity: kept as written
                g.add(node, KG.instrumentText, text(arg.text))
                continue
            if arg.role == "place":
                key = where.at(ev.doc_id, (arg.start, arg.end))
                if key and (not where.places or key in where.places):
                    places.add(key)
                    g.add(node, SEM.hasPlace, entity_node(key))
                    names.setdefault("place", []).append(where.labels[key])
                continue
            key = where.actor_at(ev.doc_id, (arg.start, arg.end))
            if key is None and arg.role == "speaker":
                source = NamedNode(str(iris.unnamed_source(ev.doc_id, arg.start, arg.end)))
                g.add(source, RDF.type, term(KG.UnnamedSource))
                g.add(source, RDFS.label, text(arg.text))
                g.add(source, GAF.denotedBy, g.span(arg.start, arg.end, sentence=ev.sentence))
                g.add(node, KG.hasSpeaker, source)
                g.add(node, KG.hasAgent, source)  # a speaker is the agent of the speech act
                names.setdefault("speaker", []).append(arg.text)
            elif key is not None and arg.role in ROLE_PROPERTIES:
                if arg.role != "speaker":
                    actors.add(key)
                g.add(node, ROLE_PROPERTIES[arg.role], entity_node(key))
                if arg.role == "speaker":
                    g.add(node, KG.hasAgent, entity_node(key))
                names.setdefault(arg.role, []).append(where.labels[key])
        add_event_time(g, node, ev.time)
        if ev.quote:
            g.add(node, KG.quotation, text(ev.quote))
        for q in ev.quantities:
            add_quantity(g, q, ev.sentence, node)
        g.add(node, RDFS.label, text(event_label(ev, names)))
        signatures.append(EventSignature(node.value, ev.doc_id, ev.type, frozenset(actors), frozenset(places),
                                         _stated_time(ev), ev.status))
    return signatures


def _stated_time(ev: EventRecord) -> str | None:
    """The time the text gives the event (a publication date says nothing of which event it is)."""
    return ev.time.value if ev.time and ev.time.source != FROM_PUBLICATION else None


def _with_handed_over_place(ev: EventRecord) -> EventRecord:
    """A handover of a base or a town happens there: its patient is also its place (kept only
    if it resolves to a place)."""
    if ev.type != "Handover":
        return ev
    extra = tuple(Argument("place", a.start, a.end, a.text) for a in ev.arguments if a.role == "patient")
    return replace(ev, arguments=ev.arguments + extra)


def add_quantity(g: ArticleGraph, q: Quantity, sentence: Span, event: NamedNode | None = None) -> NamedNode:
    node = NamedNode(str(iris.quantity(g.doc.id, q.start, q.end)))
    g.add(node, RDF.type, term(SCHEMA.QuantitativeValue))
    g.add(node, GAF.denotedBy, g.span(q.start, q.end, sentence=sentence, rule="quantity"))
    g.add(node, SCHEMA.unitText, text(q.unit))
    if q.value is not None:
        g.add(node, SCHEMA.value, number(q.value))
    if q.min_value is not None:
        g.add(node, SCHEMA.minValue, number(q.min_value))
    if q.max_value is not None:
        g.add(node, SCHEMA.maxValue, number(q.max_value))
    if q.qualifier:
        g.add(node, KG.qualifier, text(q.qualifier))
    if q.from_value is not None:
        before = NamedNode(node.value + "/from")
        g.add(node, KG.fromQuantity, before)
        g.add(before, RDF.type, term(SCHEMA.QuantitativeValue))
        g.add(before, SCHEMA.value, number(q.from_value))
        g.add(before, SCHEMA.unitText, text(q.unit))
        if q.from_qualifier:
            g.add(before, KG.qualifier, text(q.from_qualifier))
    if event is not None:
        g.add(event, KG.hasQuantity, node)
    return node


def add_quantity_facts(g: ArticleGraph, facts: list[QuantityFacts], where: EntityLocator) -> None:
    """Every quantity of the article, with the place, actor and time its sentence gives it."""
    for f in facts:
        node = add_quantity(g, f.quantity, f.sentence)
        place = where.at(g.doc.id, f.place) if f.place else None
        actor = where.at(g.doc.id, f.actor) if f.actor else None
        if place:
            g.add(node, SEM.hasPlace, entity_node(place))
        if actor:
            g.add(node, KG.countsActor, entity_node(actor))
        if f.time is not None and f.time.value:
            g.add(node, SEM.hasTimeStamp, time_literal(f.time.value, f.time.datatype))
            g.add(node, KG.timeText, text(f.time.text))


def add_relations(g: ArticleGraph, relations: list[RelationRecord], where: EntityLocator) -> None:
    for r in relations:
        subj = where.at(r.doc_id, r.subject)
        obj = r.role if r.predicate == "part_of" and r.object is None else (
            where.at(r.doc_id, r.object) if r.object else None)
        if subj is None or (r.predicate != "holds_role" and obj is None) or subj == obj:
            continue
        evidence = g.span(*r.evidence, kind=NIF.Sentence)
        if r.predicate == "holds_role":
            _membership(g, r, subj, obj, evidence)
            continue
        s, p, o = (entity_node(subj), term(RELATION_PROPERTIES[r.predicate]),
                   entity_node(obj))
        g.add(s, p, o)
        stmt = NamedNode(str(iris.statement(r.doc_id, subj, r.predicate, obj)))
        g.add(stmt, RDF.type, term(RDF.Statement))
        g.add(stmt, RDF.subject, s)
        g.add(stmt, RDF.predicate, p)
        g.add(stmt, RDF.object, o)
        g.add(stmt, GAF.denotedBy, evidence)
        g.add(stmt, KG.confidence, confidence(r.confidence))


def _membership(g: ArticleGraph, r: RelationRecord, person: str, org: str | None, evidence) -> None:
    node = NamedNode(str(iris.membership(person, r.role or "", org, r.former)))
    role = NamedNode(str(iris.role(r.role or "")))
    g.add(node, RDF.type, term(ORG.Membership))
    g.add(node, ORG.member, entity_node(person))
    if org:
        g.add(node, ORG.organization, entity_node(org))
    g.add(node, ORG.role, role)
    g.add(role, RDF.type, term(ORG.Role))
    g.add(role, RDFS.label, text(role_label(r.role or "")))
    g.add(node, KG.former, Literal("true" if r.former else "false", datatype=term(XSD.boolean)))
    g.add(node, GAF.denotedBy, evidence)
    g.add(node, KG.confidence, confidence(r.confidence))


def event_label(ev: EventRecord, names: dict[str, list[str]]) -> str:
    """'Withdrawal by United States in Iraq (5200 → 3000 troops; planned)': readable, not pretty."""
    parts = [_words(ev.type)]
    for role, prep in (("agent", "by"), ("speaker", "by"), ("patient", "of"), ("recipient", "to"),
                       ("place", "in")):
        if names.get(role):
            parts.append(f"{prep} {' and '.join(dict.fromkeys(names[role]))}")
    extra = []
    for q in ev.quantities[:1]:
        amount = f"{_n(q.from_value)} → {_n(q.value)}" if q.from_value is not None else (
            f"{q.qualifier + ' ' if q.qualifier else ''}{_n(q.value if q.value is not None else q.min_value)}")
        extra.append(f"{amount} {q.unit}")
    if ev.time is not None and ev.time.source != FROM_PUBLICATION:
        extra.append(ev.time.value or ev.time.text)
    extra.append(ev.status.lower())
    return f"{' '.join(parts)} ({'; '.join(extra)})"


def _words(camel: str) -> str:
    out = "".join(" " + c.lower() if c.isupper() else c for c in camel).strip()
    return out[:1].upper() + out[1:]


def _n(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def same_event_quads(link: EventLink) -> list[Quad]:
    """owl:sameAs between two articles' event nodes, in the merged graph, with the reason on an
    rdf:Statement."""
    graph = NamedNode(str(iris.MERGED_GRAPH))
    s, o = NamedNode(link.later), NamedNode(link.earlier)
    stmt = NamedNode(str(iris.event_link(link.later, link.earlier)))
    return [Quad(s, term(OWL.sameAs), o, graph),
            Quad(stmt, term(RDF.type), term(RDF.Statement), graph),
            Quad(stmt, term(RDF.subject), s, graph),
            Quad(stmt, term(RDF.predicate), term(OWL.sameAs), graph),
            Quad(stmt, term(RDF.object), o, graph),
            Quad(stmt, term(RDFS.comment), text(link.reason), graph)]
