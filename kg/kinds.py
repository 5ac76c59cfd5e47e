"""Class local names -> coarse types, read from the ontology so there is one source of truth.

Extractors and the resolver speak of kinds ("City", "ArmedGroup"); rules and scores often need
the coarse type a kind rolls up to ("Place", "Organization"). ontology/kg.ttl decides.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import RDFS, URIRef

from kg.vocab import KG_NS, SCHEMA, SEM

ROOTS = {SCHEMA.Person: "Person", SCHEMA.Organization: "Organization", SCHEMA.Place: "Place",
         SCHEMA.Event: "Event", SEM.Event: "Event"}


@lru_cache(maxsize=1)
def coarse_table() -> dict[str, str]:
    """Every kg: class that rolls up to one of the coarse roots, by local name."""
    from kg.ontology import ontology_graph

    graph = ontology_graph()
    table: dict[str, str] = {}
    for cls in set(graph.subjects(RDFS.subClassOf, None)):
        if not str(cls).startswith(KG_NS):
            continue
        for ancestor in graph.transitive_objects(cls, RDFS.subClassOf):
            if URIRef(ancestor) in ROOTS:
                table[str(cls)[len(KG_NS):]] = ROOTS[URIRef(ancestor)]
                break
    return table


def coarse_of(kind: str) -> str:
    """'City' -> 'Place'; an unknown kind is a programming error, not a data problem."""
    try:
        return coarse_table()[kind]
    except KeyError:
        raise KeyError(f"{kind!r} is not a class of ontology/kg.ttl under a coarse type") from None
