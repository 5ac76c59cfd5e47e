"""The packaged ontology (kg.ttl) and shapes (shapes.ttl), loaded once.

The files live in ``ontology/`` and are linked into ``kg/data/`` so an installed package finds
them next to its code. ``coarse_type`` rolls any class up to the four types every evaluation and
view uses (Person, Organization, Place, Event), by the ontology's own rdfs:subClassOf links, so a
new fine class needs no code change.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.records import EVENT, ORGANIZATION, PERSON, PLACE
from kg.vocab import KG_NS, SCHEMA

_DATA_DIR = Path(__file__).resolve().parent / "data"

# Checked in this order; the classes of kg.ttl reach at most one of them.
_COARSE_ROOTS: tuple[tuple[URIRef, str], ...] = (
    (SCHEMA.Person, PERSON),
    (SCHEMA.Organization, ORGANIZATION),
    (SCHEMA.Place, PLACE),
    (SCHEMA.Event, EVENT),
)


def ontology_path() -> Path:
    """kg.ttl as installed with the package."""
    return _existing(_DATA_DIR / "kg.ttl")


def shapes_path() -> Path:
    """shapes.ttl as installed with the package."""
    return _existing(_DATA_DIR / "shapes.ttl")


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: packaged ontology file is missing (broken install or symlink)")
    return path


def _parse(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser-specific types
        raise ValueError(f"{path}: not valid Turtle: {exc}") from exc
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology as an rdflib Graph, parsed once per process. Shared: do not modify it."""
    return _parse(ontology_path())


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The SHACL shapes as an rdflib Graph, parsed once per process. Shared: do not modify it."""
    return _parse(shapes_path())


def kg_class(name_or_iri: str | URIRef) -> URIRef:
    """A class IRI from a local name of kg.ttl ('Country') or from a full IRI."""
    text = str(name_or_iri)
    if ":" in text:
        return URIRef(text)
    return URIRef(KG_NS + text)


def superclasses(graph: Graph, class_iri: str | URIRef) -> frozenset[URIRef]:
    """The class itself and every class above it by rdfs:subClassOf (transitively)."""
    return frozenset(
        c for c in graph.transitive_objects(kg_class(class_iri), RDFS.subClassOf) if isinstance(c, URIRef)
    )


def coarse_type(graph_or_ontology: Graph | None, class_iri: str | URIRef) -> str | None:
    """'Person', 'Organization', 'Place' or 'Event' for a class (a kg: local name or an IRI),
    by its rdfs:subClassOf closure in the given graph (None: the packaged ontology);
    None when it reaches none of them (kg:UnnamedSource, kg:EventStatus, unknown classes)."""
    if graph_or_ontology is None or graph_or_ontology is ontology_graph():
        return _packaged_coarse_type(kg_class(class_iri))
    return _coarse_type(graph_or_ontology, kg_class(class_iri))


@lru_cache(maxsize=512)
def _packaged_coarse_type(class_iri: URIRef) -> str | None:
    return _coarse_type(ontology_graph(), class_iri)


def _coarse_type(graph: Graph, class_iri: URIRef) -> str | None:
    above = superclasses(graph, class_iri)
    for root, name in _COARSE_ROOTS:
        if root in above:
            return name
    return None


@lru_cache(maxsize=1)
def kinds_table() -> dict[str, str]:
    """Every kg: class that rolls up to a coarse type, by local name: {'City': 'Place', ...}.
    Extractors and the gazetteer speak of kinds; this is the one table they all read."""
    graph = ontology_graph()
    table = {}
    for cls in set(graph.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, URIRef) and str(cls).startswith(KG_NS):
            coarse = _packaged_coarse_type(cls)
            if coarse is not None:
                table[str(cls)[len(KG_NS):]] = coarse
    return dict(sorted(table.items()))


def coarse_of(kind: str) -> str:
    """'City' -> 'Place'; a kind outside the ontology is a programming error, not a data problem."""
    try:
        return kinds_table()[kind]
    except KeyError:
        raise KeyError(f"{kind!r} is not a class of ontology/kg.ttl under a coarse type") from None
