"""The build folder: an embedded Oxigraph store plus sorted Turtle and TriG files.

Files are serialized by pyoxigraph (rdflib's Turtle writer is far too slow on large graphs) from
quads sorted in one fixed order, so the same input always gives byte-identical files. Every file
and the store itself are replaced atomically: a failed build never leaves half a graph behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import atomic_open
from kg.vocab import PREFIXES

GRAPH_TTL = "graph.ttl"
GRAPH_TRIG = "graph.trig"
STORE_DIR = "store"
REPORT_JSON = "report.json"
EXPLORER_HTML = "explorer.html"


class NotABuild(FileNotFoundError):
    """The folder holds no newskg build (no store and no graph.trig)."""


def _order(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def write_graph_files(out_dir: Path, quads: Iterable[ox.Quad]) -> dict[str, int]:
    """Write store/, graph.trig and graph.ttl for these quads; return the counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ordered = sorted(set(quads), key=_order)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in ordered},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    _replace_store(out_dir, ordered)
    with atomic_open(out_dir / GRAPH_TRIG, "wb") as f:
        ox.serialize(ordered, f, ox.RdfFormat.TRIG, prefixes=PREFIXES)
    with atomic_open(out_dir / GRAPH_TTL, "wb") as f:
        ox.serialize(triples, f, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return {"quads": len(ordered), "triples": len(triples),
            "graphs": len({q.graph_name for q in ordered})}


def _replace_store(out_dir: Path, quads: list[ox.Quad]) -> None:
    """Load a fresh store beside the old one, then swap the folders."""
    fresh = Path(tempfile.mkdtemp(prefix=".store-", dir=out_dir))
    try:
        store = ox.Store(str(fresh))
        store.bulk_extend(quads)
        store.flush()
        del store
        target = out_dir / STORE_DIR
        old = out_dir / f".store-old-{os.getpid()}"
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def open_store(build_dir: str | Path) -> ox.Store:
    """The build's store, read-only; loaded from graph.trig into memory if the store is missing."""
    build = Path(build_dir)
    if (build / STORE_DIR).is_dir():
        return ox.Store.read_only(str(build / STORE_DIR))
    if (build / GRAPH_TRIG).is_file():
        store = ox.Store()
        store.bulk_load(path=str(build / GRAPH_TRIG), format=ox.RdfFormat.TRIG)
        return store
    raise NotABuild(f"{build}: not a newskg build (no {STORE_DIR}/ or {GRAPH_TRIG}); run `kg build` first")


def load_dataset(build_dir: str | Path):
    """The build as an rdflib Dataset, for rdflib-based tools (SHACL, notebooks, small graphs)."""
    from rdflib import Dataset

    path = Path(build_dir) / GRAPH_TRIG
    if not path.is_file():
        raise NotABuild(f"{build_dir}: not a newskg build (no {GRAPH_TRIG}); run `kg build` first")
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds
