"""Extraction quality: compare a built graph with a gold file (format ``kg-gold/1``).

The graph is read as the union of all its named graphs. A gold document is the article whose
``schema:identifier`` equals the gold ``file`` without its extension, else the gold ``id``.
Names are compared case-folded, without a leading "the " and without surrounding punctuation
("The Pentagon," == "pentagon"). The *forms* of a gold entity are its name and its mentions.
The coarse type of a node climbs rdfs:subClassOf (ontology + data) to schema:Person /
schema:Organization / schema:Place / schema:Event (sem:Event counts as Event).

Entity nodes: labelled (rdfs:label / skos:altLabel) nodes with a coarse type or a gaf:denotedBy,
that are not reported events, memberships, roles, statements, quantities, NIF strings or classes.
A node is *in scope* when it has no gaf:denotedBy or one of its mentions is in a gold document.

- Entity recall: required (non-optional) gold entities with an in-scope node whose labels hold one
  of its forms, that is mentioned in one of the entity's ``docs`` and has the gold coarse type.
  ``recall_any_type`` drops the type condition.
- Entity precision: in-scope Person/Organization/Place nodes whose labels hold a form of any gold
  entity (optional ones included), over all in-scope Person/Organization/Place nodes.
- Unification: gold entities with more than one distinct form that some node matches, whose matching
  nodes are exactly one. ``split`` lists every gold entity (one form or more) matched by several nodes.
- Relations (a node "of" an entity: an entity node whose labels hold one of its forms):
  holds_role = an org:Membership with org:member the subject, an org:role whose label contains the
  gold role or is contained in it (case-insensitive), and org:organization the object when the gold
  object is not null; held_role also needs kg:former true. part_of = kg:partOf or
  org:subOrganizationOf; located_in = schema:containedInPlace, followed transitively; led_by =
  kg:ledBy. Stated and implied relations are scored apart; the headline is stated recall.
- Events: an extracted event (an instance of a kg:ReportedEvent subclass) matches a gold event when
  one of its gaf:denotedBy mentions is in the gold document and inside the sentence holding the gold
  evidence (its piece before any "...", found ignoring case, quotes and spacing; sentences are
  nif:Sentence spans or nif:sentence targets, else a punctuation split), and its class is the gold
  type's class (seizure_of_power -> kg:SeizureOfPower) or a subclass. Each extracted event matches at
  most one gold event. Per gold event: participants (kg:hasAgent/hasPatient/hasRecipient/hasSpeaker
  for the right role; any sem:hasActor subproperty for ``participants_any_role``), places
  (sem:hasPlace), time (sem:hasTimeStamp equals the gold value; kg:timeText contains the gold text
  when the value is null), quantity (a kg:hasQuantity with the 'to' value and a unitText containing
  the unit, whose kg:fromQuantity has the 'from' value), status (local name of kg:status).
  ``attachment`` = participants (any role) + places + times attached over all gold ones;
  ``attachment_matched`` counts matched events only; ``absolute_dates`` = gold events with a time
  value whose event carries exactly that value. Unmatched gold events count as not attached.
- Quantities: a gold quantity is found when a schema:QuantitativeValue of its document (by mention,
  named graph, or the event pointing to it) has schema:value / minValue / maxValue equal to the gold
  value and, when the gold has a qualifier, a kg:qualifier equal to it (case-insensitive).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import ORG, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.evaluation.events import (
    REPORTED_EVENT,
    EventScores,
    GraphView,
    K,
    Ratio,
    event_class,
    quantity_numbers,
    score_events,
)
from kg.evaluation.gold import (
    EVENT_TYPES,
    Gold,
    GoldError,
    GoldRelation,
    load_gold,
    normalize_name,
)
from kg.vocab import NIF, SCHEMA

__all__ = ["EvalReport", "Gold", "GoldError", "evaluate", "load_gold"]

_NOT_ENTITIES = {ORG.Membership, ORG.Role, RDF.Statement, SCHEMA.QuantitativeValue, SCHEMA.NewsArticle,
                 NIF.Context, NIF.Phrase, NIF.Sentence, NIF.String, OWL.Class, RDFS.Class}

@dataclass(frozen=True)
class NodeInfo:
    node: str
    label: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class EntityMiss:
    name: str
    type: str
    reason: str
    nodes: tuple[str, ...] = ()  # nodes that carry one of its forms, if any


@dataclass(frozen=True)
class SplitEntity:
    name: str
    forms: int
    nodes: tuple[NodeInfo, ...]


@dataclass(frozen=True)
class EntityScores:
    recall: Ratio
    recall_any_type: Ratio
    precision: Ratio
    unification: Ratio
    missed: tuple[EntityMiss, ...]
    false_positives: tuple[NodeInfo, ...]
    split: tuple[SplitEntity, ...]


@dataclass(frozen=True)
class RelationScores:
    stated: Ratio
    implied: Ratio
    by_predicate: tuple[tuple[str, Ratio], ...]  # stated and implied together
    missed: tuple[GoldRelation, ...]


@dataclass(frozen=True)
class QuantityMiss:
    doc: str
    what: str
    value: float
    qualifier: str | None
    reason: str


@dataclass(frozen=True)
class QuantityScores:
    found: Ratio
    missed: tuple[QuantityMiss, ...]


@dataclass(frozen=True)
class EvalReport:
    gold: str
    articles: tuple[tuple[str, str | None], ...]  # gold document id -> article IRI (None: absent)
    entities: EntityScores
    relations: RelationScores
    events: EventScores
    quantities: QuantityScores
    notes: tuple[str, ...]

    def as_dict(self) -> dict:
        return _jsonable(self)

    def rows(self) -> list[tuple[str, str, str]]:
        """(measure, percent, found/total) for a table; the headline measure of each area first."""
        e, r, v, q = self.entities, self.relations, self.events, self.quantities
        metrics = [("Entities", "recall (right type)", e.recall), ("Entities", "recall (any type)", e.recall_any_type),
                   ("Entities", "precision", e.precision), ("Entities", "unification", e.unification),
                   ("Relations", "stated recall", r.stated), ("Relations", "implied recall", r.implied),
                   *(("Relations", f"{p} recall", ratio) for p, ratio in r.by_predicate),
                   ("Events", "recall", v.recall), ("Events", "argument attachment", v.attachment),
                   ("Events", "attachment (matched events)", v.attachment_matched),
                   ("Events", "participants (right role)", v.participants),
                   ("Events", "participants (any role)", v.participants_any_role), ("Events", "places", v.places),
                   ("Events", "times", v.times), ("Events", "absolute dates", v.absolute_dates),
                   ("Events", "quantities", v.quantities), ("Events", "status (matched)", v.status),
                   ("Quantities", "found", q.found)]
        return [(f"{area}: {name}", "-" if x.rate is None else f"{100 * x.rate:.1f}%", f"{x.found}/{x.total}")
                for area, name, x in metrics]


_PAIRS = {"articles", "by_predicate"}  # fields holding (key, value) pairs: JSON objects


def _jsonable(value: Any) -> Any:
    if isinstance(value, Ratio):
        return value.as_dict()
    if dataclasses.is_dataclass(value):
        return {f.name: ({k: _jsonable(v) for k, v in getattr(value, f.name)} if f.name in _PAIRS
                         else _jsonable(getattr(value, f.name))) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# -- scoring -----------------------------------------------------------------------------------
def default_ontology() -> Graph | None:
    """The packaged ontology (kg/data/kg.ttl), else the repository's ontology/kg.ttl."""
    import kg

    here = Path(kg.__file__).parent
    for path in (here / "data" / "kg.ttl", here.parent / "ontology" / "kg.ttl"):
        if path.is_file():
            return Graph().parse(path, format="turtle")
    return None


class _Entities:
    """The entity nodes of the graph and which gold entities they carry a form of."""

    def __init__(self, view: GraphView, gold: Gold, articles: dict[str, Node]):
        self.view, self.gold, self.articles = view, gold, articles
        gold_articles = set(articles.values())
        excluded = _NOT_ENTITIES | {REPORTED_EVENT} | {event_class(t) for t in EVENT_TYPES}
        self.labels: dict[Node, set[str]] = {}
        self.mention_articles: dict[Node, set[Node]] = {}
        labelled = set(view.graph.subjects(RDFS.label, None)) | set(view.graph.subjects(SKOS.altLabel, None))
        for node in sorted(labelled, key=str):
            if any(view.supers(t) & excluded for t in view.types(node)):
                continue
            mentions = view.mentions(node)
            if not (view.coarse_types(node) or mentions):
                continue
            arts = {a for m in mentions if (a := view.article_of_span(m)) is not None}
            if mentions and not arts & gold_articles:
                continue  # an entity of articles this gold file does not cover
            self.labels[node], self.mention_articles[node] = view.labels(node), arts

    def nodes_for(self, name: str) -> frozenset[Node]:
        entity = self.gold.entity(name)
        forms = entity.forms if entity else frozenset({normalize_name(name)})
        return frozenset(n for n, labels in self.labels.items() if labels & forms)

    def info(self, node: Node) -> NodeInfo:
        label = self.view.graph.value(node, RDFS.label) or min(self.labels[node], default="")
        return NodeInfo(str(node), str(label), tuple(sorted(self.view.coarse_types(node))))

    def score(self) -> EntityScores:
        view, recall, any_type, unified, missed, split = self.view, Ratio(0, 0), Ratio(0, 0), Ratio(0, 0), [], []
        for ent in self.gold.entities:
            nodes = sorted(self.nodes_for(ent.name), key=str)
            docs = {self.articles[d] for d in (ent.docs or self.articles) if d in self.articles}
            grounded = [n for n in nodes if self.mention_articles[n] & docs]
            typed = [n for n in grounded if ent.type in view.coarse_types(n)]
            if not ent.optional:
                recall += Ratio(int(bool(typed)), 1)
                any_type += Ratio(int(bool(grounded)), 1)
                if not typed:
                    reason = ("no node carries its name or a mention" if not nodes else
                              "no node mentioned in its documents" if not grounded else
                              "wrong type: " + ", ".join(f"{n} is {'/'.join(sorted(view.coarse_types(n))) or 'untyped'}"
                                                         for n in grounded))
                    missed.append(EntityMiss(ent.name, ent.type, reason, tuple(map(str, nodes))))
            if len(ent.forms) > 1 and nodes:
                unified += Ratio(int(len(nodes) == 1), 1)
            if len(nodes) > 1:
                split.append(SplitEntity(ent.name, len(ent.forms), tuple(self.info(n) for n in nodes)))
        all_forms = frozenset().union(*(e.forms for e in self.gold.entities))
        actors = [n for n in self.labels if view.coarse_types(n) & {"Person", "Organization", "Place"}]
        wrong = [self.info(n) for n in actors if not self.labels[n] & all_forms]
        return EntityScores(recall, any_type, Ratio(len(actors) - len(wrong), len(actors)), unified,
                            tuple(sorted(missed, key=lambda m: m.name)), tuple(sorted(wrong, key=lambda i: i.node)),
                            tuple(sorted(split, key=lambda s: s.name)))


def _relation_holds(view: GraphView, rel: GoldRelation, nodes_for) -> bool:
    g, subjects = view.graph, nodes_for(rel.subject)
    objects = nodes_for(rel.object) if rel.object else frozenset()
    if rel.predicate in ("holds_role", "held_role"):
        want = normalize_name(rel.role or "")
        for m in sorted(set(g.subjects(RDF.type, ORG.Membership)) | set(g.subjects(ORG.member, None)), key=str):
            roles = {normalize_name(r) for o in g.objects(m, ORG.role)
                     for r in ([o] if isinstance(o, Literal) else g.objects(o, RDFS.label))}
            if (subjects & set(g.objects(m, ORG.member))
                    and any(want in r or r in want for r in roles if r)
                    and (rel.object is None or objects & set(g.objects(m, ORG.organization)))
                    and (rel.predicate == "holds_role" or any(str(f).lower() == "true" for f in g.objects(m, K("former"))))):
                return True
        return False
    if rel.predicate == "located_in":
        reached, todo = set(), list(subjects)  # places reached in one step or more
        while todo:
            for parent in g.objects(todo.pop(), SCHEMA.containedInPlace):
                if parent not in reached:
                    reached.add(parent)
                    todo.append(parent)
        return bool(reached & objects)
    props = {"part_of": (K("partOf"), ORG.subOrganizationOf), "led_by": (K("ledBy"),)}[rel.predicate]
    return any((s, p, o) in g for s in subjects for o in objects for p in props)


def _score_relations(view: GraphView, gold: Gold, nodes_for) -> RelationScores:
    stated, implied, by_pred, missed = Ratio(0, 0), Ratio(0, 0), {}, []
    for rel in gold.relations:
        hit = Ratio(int(_relation_holds(view, rel, nodes_for)), 1)
        if rel.status == "implied":
            implied += hit
        else:
            stated += hit
        by_pred[rel.predicate] = by_pred.get(rel.predicate, Ratio(0, 0)) + hit
        if not hit.found:
            missed.append(rel)
    return RelationScores(stated, implied, tuple(sorted(by_pred.items())), tuple(missed))


def _score_quantities(view: GraphView, gold: Gold, articles: dict[str, Node]) -> QuantityScores:
    g = view.graph
    pointers = (K("hasQuantity"), K("fromQuantity"))
    nodes = set(g.subjects(RDF.type, SCHEMA.QuantitativeValue)) | {
        o for p in pointers for o in g.objects(None, p) if not isinstance(o, Literal)}
    where = {q: view.node_articles(q) | {a for p in pointers for ev in g.subjects(p, q) for a in view.node_articles(ev)}
             for q in nodes}
    found, missed = 0, []
    for gq in gold.quantities:
        article = articles.get(gq.doc)
        same = sorted((q for q in nodes if article in where[q] and gq.value in quantity_numbers(view, q)), key=str)
        quals = {str(o).strip().casefold() for q in same for o in g.objects(q, K("qualifier"))}
        if same and (gq.qualifier is None or gq.qualifier.casefold() in quals):
            found += 1
        else:
            reason = (f"no quantity {gq.value:g} in the document" if not same else
                      f"qualifier {sorted(quals) or 'none'} instead of {gq.qualifier!r}")
            missed.append(QuantityMiss(gq.doc, gq.what, gq.value, gq.qualifier, reason))
    return QuantityScores(Ratio(found, len(gold.quantities)), tuple(missed))


def _articles(view: GraphView, gold: Gold) -> dict[str, Node]:
    """Gold document id -> article node: schema:identifier == file stem, else == gold id."""
    ids: dict[str, list[Node]] = {}
    for node, ident in view.graph.subject_objects(SCHEMA.identifier):
        ids.setdefault(str(ident), []).append(node)
    found = {}
    for doc in gold.documents:
        nodes = ids.get(doc.identifier) or ids.get(doc.id) or []
        articles = [n for n in nodes if (n, RDF.type, SCHEMA.NewsArticle) in view.graph
                    or (n, RDF.type, NIF.Context) in view.graph] or nodes
        if articles:
            found[doc.id] = min(articles, key=str)
    return found


def evaluate(gold: Gold, data: Dataset | Graph, ontology: Graph | None = None) -> EvalReport:
    """Score a built graph (a Dataset or a Graph) against gold annotations; see the module docstring."""
    notes = []
    if ontology is None:
        ontology = default_ontology()
        if ontology is None:
            notes.append("ontology kg.ttl not found: coarse types come from the data's own rdfs:subClassOf")
    view = GraphView(data, ontology)
    articles = _articles(view, gold)
    notes += [f"gold document {d.id} ({d.file}) has no article in the graph"
              for d in gold.documents if d.id not in articles]
    entities = _Entities(view, gold, articles)
    return EvalReport(
        gold=gold.source,
        articles=tuple((d.id, str(articles[d.id]) if d.id in articles else None) for d in gold.documents),
        entities=entities.score(),
        relations=_score_relations(view, gold, entities.nodes_for),
        events=score_events(view, gold.events, articles, entities.nodes_for),
        quantities=_score_quantities(view, gold, articles),
        notes=tuple(notes))
