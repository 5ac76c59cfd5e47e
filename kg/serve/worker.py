"""A query worker: a process that owns one handle on the store and answers one job at a time.

Run as ``python -m kg.serve.worker FD`` by kg.serve.pool, FD being its end of a socket pair.
It imports neither rdflib nor the parent's main module, so it starts in a fraction of a second.

Queries run here, not in the HTTP server, because pyoxigraph cannot cancel a running query: the
server kills a worker that runs past the time limit and starts a fresh one. Everything a job
needs to become an HTTP response (limits, serialization, error messages) is done here too, so a
slow serialization is bounded by the same limit.
"""

from __future__ import annotations

import ctypes
import io
import os
import signal
import sys
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.serve.guard import deny_network, outbound_keyword

RESULTS_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
TEXT = "text/plain; charset=utf-8"
OUTBOUND_REFUSED = {
    "SERVICE": "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests; "
               "query the data of this build only",
    "LOAD": "LOAD is not allowed: this endpoint fetches nothing; send the data with INSERT DATA"}


@dataclass(frozen=True)
class Job:
    """One query or update. results_format/rdf_format: the negotiated format key, None if none fits."""

    kind: str                               # "query" or "update"
    text: str
    results_format: str | None = "json"     # for SELECT and ASK
    rdf_format: str | None = "ttl"          # for CONSTRUCT and DESCRIBE
    default_graphs: tuple[str, ...] = ()    # default-graph-uri (empty: union of all graphs)
    named_graphs: tuple[str, ...] = ()      # named-graph-uri (empty: all graphs)


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str = TEXT
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str) -> Reply:
    return Reply(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"))


class TooManyResults(Exception):
    pass


class _RowCountingBuffer(io.RawIOBase):
    """TSV output that stops the serializer once it has written more than max_rows rows."""

    def __init__(self, max_rows: int) -> None:
        self.max_lines = max_rows + 1           # the header line
        self.lines = 0
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        data = bytes(chunk)
        self.lines += data.count(b"\n")         # TSV escapes newlines inside values
        if self.lines > self.max_lines:
            raise TooManyResults
        self.chunks.append(data)
        return len(data)


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker opens: source is "store" (read-only), "store-rw" (read-write) or "trig"."""

    source: str
    path: str
    max_results: int
    prefixes: dict[str, str]
    parent_pid: int = 0


def open_source(config: WorkerConfig) -> ox.Store:
    if config.source == "store":
        return ox.Store.read_only(config.path)
    if config.source == "store-rw":
        return ox.Store(config.path)
    store = ox.Store()
    store.bulk_load(path=config.path, format=ox.RdfFormat.TRIG)
    return store


def _die_with_parent(parent_pid: int) -> None:
    """Linux: get SIGKILLed when the server's spawning thread dies, even in the middle of a query
    (which holds the GIL, so no Python watchdog could run). Elsewhere an orphan exits on EOF."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)   # PR_SET_PDEATHSIG
    if parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def serve_jobs(conn: Connection) -> None:
    """Sandbox, read the config, open the store, say ready, then answer jobs until told to stop."""
    sandboxed = deny_network()
    config: WorkerConfig = conn.recv()
    _die_with_parent(config.parent_pid)
    try:
        store = open_source(config)
    except Exception as err:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", f"{config.path}: cannot open the store: {err}"))
        return
    conn.send(("ready", sandboxed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(answer(store, job, config))


def answer(store: ox.Store, job: Job, config: WorkerConfig) -> Reply:
    """Evaluate one job into a complete HTTP reply; never raises for a bad query."""
    keyword = outbound_keyword(job.text, update=job.kind == "update")
    if keyword:
        return text_reply(400, OUTBOUND_REFUSED[keyword])
    try:
        if job.kind == "update":
            store.update(job.text, prefixes=config.prefixes)
            store.flush()
            return Reply(204, TEXT, b"")
        return _query(store, job, config)
    except SyntaxError as err:
        return text_reply(400, f"malformed {job.kind}: {err}")
    except TooManyResults:
        return text_reply(413, f"the result has more than {config.max_results} rows or triples, this "
                               "endpoint's limit: add a LIMIT or narrow the query")
    except (OSError, RuntimeError, ValueError) as err:
        return text_reply(500, f"{job.kind} failed: {err}")


def _dataset_options(job: Job) -> dict:
    options: dict = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _query(store: ox.Store, job: Job, config: WorkerConfig) -> Reply:
    max_results = config.max_results
    results = store.query(job.text, prefixes=config.prefixes, **_dataset_options(job))
    if isinstance(results, ox.QueryTriples):
        if job.rdf_format is None:
            return _not_acceptable("CONSTRUCT/DESCRIBE", RDF_FORMATS)
        triples = list(islice(results, max_results + 1))
        if len(triples) > max_results:
            raise TooManyResults
        rdf = RDF_FORMATS[job.rdf_format]
        prefixes = None if rdf == ox.RdfFormat.N_TRIPLES else config.prefixes
        return Reply(200, rdf.media_type, ox.serialize(triples, format=rdf, prefixes=prefixes) or b"")
    if job.results_format is None:
        return _not_acceptable("SELECT/ASK", RESULTS_FORMATS)
    fmt = RESULTS_FORMATS[job.results_format]
    if isinstance(results, ox.QueryBoolean):
        return Reply(200, fmt.media_type, results.serialize(format=fmt))
    # Count rows on the way through TSV (one line per row), then convert: one evaluation only.
    counted = _RowCountingBuffer(max_results)
    results.serialize(counted, format=ox.QueryResultsFormat.TSV)
    tsv = b"".join(counted.chunks)
    if fmt == ox.QueryResultsFormat.TSV:
        return Reply(200, fmt.media_type, tsv)
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return Reply(200, fmt.media_type, parsed.serialize(format=fmt))


def _not_acceptable(form: str, formats: dict) -> Reply:
    types = ", ".join(f.media_type for f in formats.values())
    return text_reply(406, f"no acceptable format for {form} results; this endpoint offers: {types}")


if __name__ == "__main__":
    # Through the module's real name, so the replies pickle as kg.server_worker.Reply.
    from kg.serve.worker import serve_jobs as _serve_jobs

    _serve_jobs(Connection(int(sys.argv[1])))
