"""The build folder: an embedded Oxigraph store plus sorted Turtle and TriG files.

Files are serialized by pyoxigraph (rdflib's Turtle writer is far too slow on large graphs), one
named graph at a time in a fixed order, so the same input always gives byte-identical files. Every
file and the store itself are replaced atomically: a failed build never leaves half a graph behind.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.iris import is_article_scoped
from kg.store.atomic import atomic_open
from kg.store.layout import (  # noqa: F401  (re-exported: the build folder's names)
    EXPLORER_HTML,
    GRAPH_TRIG,
    GRAPH_TTL,
    REPORT_JSON,
    STORE_DIR,
    NotABuild,
    open_store,
)
from kg.vocab import PREFIXES


class GraphWriter:
    """Streams named graphs, one at a time, to graph.trig, graph.ttl and a fresh on-disk store.

    Each graph is serialized once by pyoxigraph (fast, in Rust) while it is still in memory, so a
    build never reads its own store back: graph.trig gets the graph as a block, graph.ttl its
    triples (a triple that several graphs state, such as a shared role, is written once), and the
    store is bulk-loaded from the same bytes in a background thread: the graph as a named graph,
    graph.ttl's triples into the default graph (the union as a set, see kg.store.layout),
    overlapping the caller's
    mapping work. Callers add graphs in a fixed order (the build sorts articles by id), which
    makes both files byte-identical for the same input, whatever the number of worker processes.
    On success the new store and files replace the old ones; on failure the old build is left as
    it was.
    """

    BATCH = 100_000  # quads per bulk load: few enough to bound memory, many enough to load fast

    def __init__(self, out_dir: Path) -> None:
        self.out = Path(out_dir)
        self.counts: dict[str, int] = {"triples": 0, "quads": 0, "graphs": 0}
        self._header = _prefix_header()
        self._shared: set[ox.Triple] = set()  # triples between shared nodes, written once
        self._graphs: set[ox.NamedNode] = set()  # a graph may come in several blocks
        self._pending: list[bytes] = []
        self._pending_quads = 0

    def __enter__(self) -> "GraphWriter":
        self.out.mkdir(parents=True, exist_ok=True)
        self._dir = Path(tempfile.mkdtemp(prefix=".store-", dir=self.out))
        self.store = ox.Store(str(self._dir))
        self._files = contextlib.ExitStack()
        self._trig = self._files.enter_context(atomic_open(self.out / GRAPH_TRIG, "wb"))
        self._ttl = self._files.enter_context(atomic_open(self.out / GRAPH_TTL, "wb"))
        self._trig.write(self._header)
        self._ttl.write(self._header)
        self._trig_end = self._files.enter_context(tempfile.TemporaryFile(dir=self.out))
        self._ttl_end = self._files.enter_context(tempfile.TemporaryFile(dir=self.out))
        self._loader = _Loader(self.store)
        return self

    def add_graph(self, quads: Sequence[ox.Quad], *, at_end: bool = False) -> None:
        """One named graph's quads (all in the same graph), in a deterministic order.

        `at_end` holds the block back (on disk, not in memory) until every other graph is
        written: links found while articles stream by still close the files, after the
        articles they link. A graph may come in several blocks; TriG readers merge them.
        """
        quads = list(dict.fromkeys(quads))  # a graph is a set: a node described twice is written once
        if not quads:
            return
        trig, ttl = (self._trig_end, self._ttl_end) if at_end else (self._trig, self._ttl)
        chunk = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        trig.write(self._body(chunk))
        triples = self._union_triples(quads)
        self._pending.append(chunk)
        if triples:
            union = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            ttl.write(self._body(union))
            self._pending.append(union)     # TriG reads Turtle's triples into the default graph
        self.counts["quads"] += len(quads)
        self.counts["triples"] += len(triples)
        self._graphs.add(quads[0].graph_name)
        self.counts["graphs"] = len(self._graphs)
        self._pending_quads += len(quads) + len(triples)
        if self._pending_quads >= self.BATCH:
            self._send()

    def _union_triples(self, quads: list[ox.Quad]) -> list[ox.Triple]:
        """The graph's triples not yet written to graph.ttl by an earlier graph.

        A triple about one article's own node (its spans, events, statements), or pointing to
        one, can only be stated by that article's graph; only the rest (roles, memberships,
        relations between entities) is remembered to be written once.
        """
        scoped: dict = {}  # node -> minted for one article
        out = []
        for quad in quads:
            triple = quad.triple
            if not (_article_scoped(quad.subject, scoped) or _article_scoped(quad.object, scoped)):
                if triple in self._shared:
                    continue
                self._shared.add(triple)
            out.append(triple)
        return out

    def _body(self, chunk: bytes) -> bytes:
        if not chunk.startswith(self._header):
            raise AssertionError("pyoxigraph no longer writes the prefix header first")
        return chunk[len(self._header):]

    def _send(self) -> None:
        if self._pending:
            self._loader.put(b"".join(self._pending))
        self._pending, self._pending_quads = [], 0

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._send()
                for held, target in ((self._trig_end, self._trig), (self._ttl_end, self._ttl)):
                    held.seek(0)
                    shutil.copyfileobj(held, target)
                self._loader.finish()
                # Bulk loads leave one set of files per batch; a lookup must then seek in each.
                # Compacting them makes the store's point lookups ~5x faster (saved queries).
                self.store.optimize()
                self.store.flush()
                self._files.__exit__(None, None, None)  # both files replace the old ones
        except BaseException:
            exc_type = True
            raise
        finally:
            if exc_type is not None:
                self._loader.abandon()
                self._files.__exit__(RuntimeError, RuntimeError("build failed"), None)
            del self.store
            if exc_type is None:
                _swap(self._dir, self.out / STORE_DIR)
            else:
                shutil.rmtree(self._dir, ignore_errors=True)


def _article_scoped(node, seen: dict) -> bool:
    known = seen.get(node)
    if known is None:
        known = seen[node] = isinstance(node, ox.NamedNode) and is_article_scoped(node.value)
    return known


class _Loader:
    """Bulk-loads TriG batches into a store from a thread (pyoxigraph parses and writes without
    the GIL), at most two batches queued so memory stays bounded."""

    def __init__(self, store: ox.Store) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(store,), name="newskg-store-loader",
                                        daemon=True)
        self._thread.start()

    def _run(self, store: ox.Store) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:
                try:
                    store.bulk_load(batch, format=ox.RdfFormat.TRIG)
                except BaseException as err:  # re-raised in the building thread
                    self._error = err

    def put(self, batch: bytes) -> None:
        self._raise()
        self._queue.put(batch)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def abandon(self) -> None:
        self._error = self._error or RuntimeError("abandoned")
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"writing the store failed: {self._error}") from self._error


def _prefix_header() -> bytes:
    """The @prefix lines pyoxigraph writes first (every declared prefix, in order)."""
    probe = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"),
                    ox.NamedNode("urn:x:g"))
    text = ox.serialize([probe], format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return text[: text.index(b"<urn:x:g>")]


def _swap(fresh: Path, target: Path) -> None:
    """Put the fresh store in place of the old one (two renames; the old one is then removed)."""
    old = target.with_name(f".store-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def load_dataset(build_dir: str | Path):
    """The build as an rdflib Dataset, for rdflib-based tools (SHACL, notebooks, small graphs)."""
    from rdflib import Dataset

    path = Path(build_dir) / GRAPH_TRIG
    if not path.is_file():
        raise NotABuild(f"{build_dir}: not a newskg build (no {GRAPH_TRIG}); run `kg build` first")
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds
