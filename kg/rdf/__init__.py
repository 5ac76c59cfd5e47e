"""Stage 5, rdf: records -> RDF. IRIs (`iris`), mapping of articles, entities, events, relations
and quantities to quads (`mapping`, `events`), and SHACL validation of a graph (`validate`).

In: records and a `Resolution`. Out: pyoxigraph quads, one named graph per article plus the merged
graph. Every IRI is minted in `kg.rdf.iris`, every term comes from `kg.vocab`.
Must not import: store or any later stage; spaCy (it maps records, never Docs).
"""
