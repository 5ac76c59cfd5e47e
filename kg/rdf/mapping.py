"""Records -> RDF quads: the mapping that ontology/README.md documents.

One named graph per article holds what that article states (the article, its mentions and
sentences, which entity each mention denotes); the merged graph holds what is known of each
entity across articles (type, labels, links, geometry). Terms are pyoxigraph terms, so that large
builds go straight into the store without a detour through rdflib objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf import iris
from kg.records import Document, Entity, Mention, Span
from kg.vocab import GAF, GEO, KG, NIF, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD


@lru_cache(maxsize=None)
def term(iri: str) -> NamedNode:
    """A pyoxigraph node for a vocabulary IRI (cached: the same few hundred terms recur)."""
    return NamedNode(str(iri))


@lru_cache(maxsize=100_000)
def entity_node(key: str) -> NamedNode:
    """The node of an entity key (cached: an entity is named in many triples)."""
    return NamedNode(str(iris.entity(key)))


def text(value: str) -> Literal:
    return Literal(value)


def integer(value: int) -> Literal:
    # xsd:integer, not NIF's xsd:nonNegativeInteger: Oxigraph stores the latter as the former, and
    # files, store and pushed copies must agree. SHACL checks the values are not negative.
    return Literal(str(value), datatype=_INTEGER)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2})?")
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def date_literal(value: str) -> Literal:
    """An ISO 8601 date or date-time as xsd:date / xsd:dateTime, a month or year as xsd:gYearMonth /
    xsd:gYear (else a plain string).

    Typed values are written in canonical form ('.500' -> '.5', '+00:00' -> 'Z'), the form the
    store keeps: graph files and store then hold the very same literal.
    """
    if _DATE.fullmatch(value):
        return Literal(value, datatype=term(XSD.date))
    if _PARTIAL_DATE.fullmatch(value):  # a month or a year: "2021-12", "2021"
        return Literal(value, datatype=term(XSD.gYearMonth if len(value) == 7 else XSD.gYear))
    if m := _DATE_TIME.fullmatch(value):
        fraction = (m[2] or "").rstrip("0").rstrip(".")
        zone = "Z" if m[3] in ("+00:00", "-00:00") else (m[3] or "")
        return Literal(m[1] + fraction + zone, datatype=term(XSD.dateTime))
    return Literal(value)


def decimal(value: float, places: int | None = None) -> Literal:
    """An xsd:decimal in canonical form ('0.80' -> '0.8', '2.0' -> '2'), as the store keeps it."""
    digits = f"{value:.{places}f}" if places is not None else format(Decimal(repr(float(value))), "f")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return Literal("0" if digits in ("", "-0") else digits, datatype=term(XSD.decimal))


# Terms of every span node, looked up once (a build mints hundreds of thousands of spans).
_INTEGER = term(XSD.integer)
_TYPE, _OFFSET_STRING = term(RDF.type), term(NIF.OffsetBasedString)
_BEGIN, _END, _ANCHOR = term(NIF.beginIndex), term(NIF.endIndex), term(NIF.anchorOf)
_CONTEXT, _SENTENCE, _EXTRACTED_BY = term(NIF.referenceContext), term(NIF.sentence), term(KG.extractedBy)
_DENOTED_BY = term(GAF.denotedBy)


class ArticleGraph:
    """Collects the quads of one article's named graph, emitting each span node once."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.graph = NamedNode(str(iris.doc_graph(doc.id)))
        self.context = NamedNode(str(iris.document(doc.id)))
        self.quads: list[Quad] = []
        self._spans: set[Span] = set()

    def add(self, s, p, o) -> None:
        self.quads.append(Quad(s, p if isinstance(p, NamedNode) else term(p), o, self.graph))

    def article(self) -> None:
        d, c = self.doc, self.context
        self.add(c, RDF.type, term(SCHEMA.NewsArticle))
        self.add(c, RDF.type, term(NIF.Context))
        self.add(c, SCHEMA.identifier, text(d.id))
        self.add(c, NIF.isString, text(d.text))
        self.add(c, NIF.beginIndex, integer(0))
        self.add(c, NIF.endIndex, integer(len(d.text)))
        self.add(c, PROV.wasDerivedFrom, NamedNode(str(iris.source(d.source))))
        if d.title:
            self.add(c, SCHEMA.headline, text(d.title))
        if d.url and re.match(r"^https?://", d.url):
            self.add(c, SCHEMA.url, NamedNode(str(iris.source(d.url))))
        if d.published:
            self.add(c, SCHEMA.datePublished, date_literal(d.published))
        if d.publisher:
            self.add(c, SCHEMA.publisher, text(d.publisher))

    def span(self, start: int, end: int, kind=NIF.Phrase, sentence: Span | None = None,
             rule: str | None = None) -> NamedNode:
        """The node of a character span (a mention, trigger or sentence), with its NIF description."""
        node = NamedNode(iris.span_iri(self.doc.id, start, end))
        if (start, end) in self._spans:
            return node
        self._spans.add((start, end))
        self.add(node, _TYPE, term(kind))
        self.add(node, _TYPE, _OFFSET_STRING)
        self.add(node, _BEGIN, integer(start))
        self.add(node, _END, integer(end))
        self.add(node, _ANCHOR, Literal(self.doc.text[start:end]))
        self.add(node, _CONTEXT, self.context)
        if sentence is not None:
            self.add(node, _SENTENCE, self.span(*sentence, kind=NIF.Sentence))
        if rule:
            self.add(node, _EXTRACTED_BY, Literal(rule))
        return node

    def mention(self, m: Mention, entity_key: str) -> None:
        node = self.span(m.start, m.end, sentence=m.sentence, rule=m.rule)
        self.add(entity_node(entity_key), _DENOTED_BY, node)


def article_quads(doc: Document, mentions: Iterable[Mention], key_of: Callable[[Mention], str | None]
                  ) -> ArticleGraph:
    """The article's named graph: the article itself and every mention with its entity."""
    g = ArticleGraph(doc)
    g.article()
    for m in mentions:
        key = key_of(m)
        if key is not None:
            g.mention(m, key)
    return g


def entity_quads(entities: Iterable[Entity]) -> Iterator[Quad]:
    """The merged graph: each entity once, with its class, names, links and geometry, and, for a
    place the gazetteer knows, the country it lies in (when that country is in the graph too)."""
    graph = NamedNode(str(iris.MERGED_GRAPH))
    entities = list(entities)
    keys = {e.key for e in entities}
    for e in entities:
        node = entity_node(e.key)
        yield Quad(node, term(RDF.type), term(KG[e.kind]), graph)
        yield Quad(node, term(RDFS.label), text(e.label), graph)
        for alt in e.alt_labels:
            yield Quad(node, term(SKOS.altLabel), text(alt), graph)
        for iri in e.same_as:
            yield Quad(node, term(OWL.sameAs), NamedNode(iri), graph)
        if e.country in keys:
            yield Quad(node, term(SCHEMA.containedInPlace), entity_node(e.country), graph)
        if e.lat is not None and e.lon is not None:
            geom = NamedNode(str(iris.geometry(e.key)))
            yield Quad(node, term(GEO.hasGeometry), geom, graph)
            yield Quad(geom, term(RDF.type), term(GEO.Geometry), graph)
            yield Quad(geom, term(GEO.asWKT), Literal(f"POINT({e.lon:.5f} {e.lat:.5f})",
                                                      datatype=term(GEO.wktLiteral)), graph)
