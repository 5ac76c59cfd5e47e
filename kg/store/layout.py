"""What a build folder holds, and how its store is opened for queries.

The store keeps one named graph per article plus the merged graph, and its **default graph is
their union as a set**: each distinct triple once, exactly the triples of graph.ttl. Oxigraph's
own union of named graphs (``use_default_graph_as_union``) is a bag: a triple stated by 300
articles matches 300 times, so a join of three such patterns returned 718,988 rows for 791
distinct answers, and took a minute instead of 0.2 s. Queries therefore read the stored default
graph; ``GRAPH ?g { ... }`` still reaches each article's own graph.

This module imports pyoxigraph only (no rdflib), so query worker processes start fast.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.store.recordio import RECORDS_DIR

GRAPH_TTL = "graph.ttl"
GRAPH_TRIG = "graph.trig"
STORE_DIR = "store"
REPORT_JSON = "report.json"
EXPLORER_HTML = "explorer.html"
BUILD_MARKERS = (STORE_DIR, GRAPH_TRIG, REPORT_JSON, RECORDS_DIR)  # any of them: a build folder


class NotABuild(FileNotFoundError):
    """The folder holds no newskg build (no store and no graph.trig)."""


def is_build(folder: str | Path) -> bool:
    """Whether the folder holds a newskg build (or what is left of one)."""
    folder = Path(folder)
    return folder.is_dir() and any((folder / name).exists() for name in BUILD_MARKERS)


def open_store(build_dir: str | Path) -> ox.Store:
    """The build's store, read-only; loaded into memory from graph.trig (and graph.ttl, its
    default graph) when the store folder is missing."""
    build = Path(build_dir)
    if (build / STORE_DIR).is_dir():
        return ox.Store.read_only(str(build / STORE_DIR))
    if (build / GRAPH_TRIG).is_file():
        store = ox.Store()
        store.bulk_load(path=str(build / GRAPH_TRIG), format=ox.RdfFormat.TRIG)
        if (build / GRAPH_TTL).is_file():
            store.bulk_load(path=str(build / GRAPH_TTL), format=ox.RdfFormat.TURTLE)
        else:
            store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in list(store))
        return store
    raise NotABuild(f"{build}: not a newskg build (no {STORE_DIR}/ or {GRAPH_TRIG}); run `kg build` first")


def default_dataset(store: ox.Store) -> dict:
    """Keyword arguments of Store.query for the build's default graph: the stored union, or, in
    a store written before it was stored, Oxigraph's union of the named graphs (a bag)."""
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
        return {}
    return {"use_default_graph_as_union": True}


def named_quads(store: ox.Store, subject=None, predicate=None, obj=None, graph=None):
    """quads_for_pattern over the named graphs only (graph None: every named graph), leaving out
    the default graph, which repeats their triples."""
    quads = store.quads_for_pattern(subject, predicate, obj, graph)
    if graph is not None:
        return quads
    return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
