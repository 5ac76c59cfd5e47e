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


class GraphWriter:
    """Streams quads into a fresh on-disk store, then writes graph.trig and graph.ttl from it.

    Every quad also goes, as a triple, into a scratch store whose default graph so holds the union
    of the named graphs without duplicates: graph.ttl is a dump of it. The order of both files is the store's
    index order, which depends only on the content: the same input gives byte-identical files,
    whatever the insertion order or the number of worker processes. On success the new store
    replaces the old one; on failure the old build is left as it was.
    """

    BATCH = 50_000

    def __init__(self, out_dir: Path) -> None:
        self.out = Path(out_dir)
        self.counts: dict[str, int] = {}
        self._buffer: list[ox.Quad] = []

    def __enter__(self) -> "GraphWriter":
        self.out.mkdir(parents=True, exist_ok=True)
        self._dir = Path(tempfile.mkdtemp(prefix=".store-", dir=self.out))
        self._union_dir = Path(tempfile.mkdtemp(prefix=".union-", dir=self.out))
        self.store = ox.Store(str(self._dir))
        self.union = ox.Store(str(self._union_dir))
        return self

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self._buffer.extend(quads)
        if len(self._buffer) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        self.store.bulk_extend(self._buffer)
        self.union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                               for q in self._buffer)
        self._buffer = []

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._flush()
                self.store.flush()
                self._write_files()
        except BaseException:
            exc_type = True
            raise
        finally:
            del self.store, self.union
            shutil.rmtree(self._union_dir, ignore_errors=True)
            if exc_type is None:
                _swap(self._dir, self.out / STORE_DIR)
            else:
                shutil.rmtree(self._dir, ignore_errors=True)

    def _write_files(self) -> None:
        graphs = sorted(self.store.named_graphs(), key=lambda g: g.value)
        with atomic_open(self.out / GRAPH_TRIG, "wb") as f:
            ox.serialize((q for g in graphs for q in self.store.quads_for_pattern(None, None, None, g)),
                         f, ox.RdfFormat.TRIG, prefixes=PREFIXES)
        with atomic_open(self.out / GRAPH_TTL, "wb") as f:
            self.union.dump(f, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
        triples = len(self.union)
        quads = sum(1 for g in graphs for _ in self.store.quads_for_pattern(None, None, None, g))
        self.counts = {"triples": int(triples), "quads": quads, "graphs": len(graphs)}


def _swap(fresh: Path, target: Path) -> None:
    """Put the fresh store in place of the old one (two renames; the old one is then removed)."""
    old = target.with_name(f".store-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


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
