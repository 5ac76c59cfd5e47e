"""Analyst corrections in the graph, as provenance (PROV-O).

Each correction that changed this build is a kg:Correction (a prov:Activity) in the merged graph:
its label is the correction as written, its comment what it did here, its skos:note the analyst's
reason. Every entity it changed points to it with kg:correctedBy (a prov:wasInfluencedBy), so a
query, the explorer or an export can tell a node an analyst touched from one the rules made.
Corrections that no longer matched anything are in the build report, not in the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode, Quad

from kg.rdf import iris
from kg.rdf.mapping import entity_node, term, text
from kg.resolve.corrections import APPLIED, Outcome
from kg.vocab import KG, RDF, RDFS, SKOS


def correction_quads(outcomes: Iterable[Outcome], keys: set[str]) -> Iterator[Quad]:
    """The quads of the applied corrections and of the links from the entities (among `keys`) they changed."""
    graph = NamedNode(str(iris.MERGED_GRAPH))
    for o in outcomes:
        if o.status != APPLIED:
            continue
        node = NamedNode(str(iris.correction(str(o.correction))))
        yield Quad(node, term(RDF.type), term(KG.Correction), graph)
        yield Quad(node, term(RDFS.label), text(str(o.correction)), graph)
        yield Quad(node, term(RDFS.comment), text(o.message), graph)
        if o.correction.note:
            yield Quad(node, term(SKOS.note), text(o.correction.note), graph)
        for key in o.keys:
            if key in keys:
                yield Quad(entity_node(key), term(KG.correctedBy), node, graph)
