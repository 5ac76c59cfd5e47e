"""A query worker: a process that owns one handle on the store and answers one job at a time.

Run as ``python -m kg.serve.worker FD`` by kg.serve.pool, FD being its end of a socket pair.
It imports neither rdflib nor the parent's main module, so it starts in a fraction of a second.

Queries run here, not in the HTTP server, because pyoxigraph cannot cancel a running query: the
server kills a worker that runs past the time limit and starts a fresh one. Everything a job
needs to become an HTTP response (limits, serialization, error messages) is done here too, so a
slow serialization is bounded by the same limit.

Memory is bounded the same way, by the kernel: the worker caps its own data memory
(RLIMIT_DATA: heap and private mappings, where Oxigraph sorts, groups and joins). A query that
needs more fails to allocate: in Python that is a MemoryError, answered here; in Oxigraph (Rust)
the process aborts, and the pool answers for it. Either way the worker is replaced.
"""

from __future__ import annotations

import ctypes
import io
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.query.results import FORMATS, SOLUTION_FORMATS, TRIPLE_FORMATS, readable_syntax_error
from kg.serve.guard import deny_network, outbound_keyword
from kg.store.layout import default_dataset, open_store

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
    retire: bool = False        # the worker exits after sending this reply; the pool replaces it


def text_reply(status: int, message: str, *, retire: bool = False) -> Reply:
    return Reply(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"), retire=retire)


def memory_reply(limit: int, text: str) -> Reply:
    """503 for a query stopped at the worker's memory limit; says what holds memory if it can."""
    sorts = [w for w in ("ORDER BY", "GROUP BY", "DISTINCT") if w in " ".join(text.upper().split())]
    verb = "keeps" if len(sorts) == 1 else "keep"
    why = f" ({' and '.join(sorts)} {verb} every solution in memory until the last one)" if sorts else ""
    return text_reply(503, f"the query needed more than {limit >> 20} MB of memory, this endpoint's "
                           f"limit per query, and was stopped{why}; narrow the pattern or add a LIMIT "
                           "to a subquery", retire=True)


class TooManyResults(Exception):
    """More rows or triples than max_results."""


class TooLarge(Exception):
    """An answer body of more than max_bytes."""


class _BoundedTsv(io.RawIOBase):
    """TSV output that stops the serializer at more than max_rows rows or max_bytes bytes."""

    def __init__(self, max_rows: int, max_bytes: int) -> None:
        self.max_lines = max_rows + 1           # the header line
        self.max_bytes = max_bytes
        self.lines = self.size = 0
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        data = bytes(chunk)
        self.lines += data.count(b"\n")         # TSV escapes newlines inside values
        self.size += len(data)
        if self.lines > self.max_lines:
            raise TooManyResults
        if self.size > self.max_bytes:
            raise TooLarge
        self.chunks.append(data)
        return len(data)


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker opens: source is "store" (read-only), "store-rw" (read-write) or "build"
    (a build folder without a store: graph.trig loaded into memory)."""

    source: str
    path: str
    max_results: int
    prefixes: dict[str, str]
    parent_pid: int = 0
    max_bytes: int = 64 << 20   # the largest answer body
    memory_limit: int = 0       # bytes of data memory the worker may hold; 0: no limit


def open_source(config: WorkerConfig) -> ox.Store:
    if config.source == "store":
        return ox.Store.read_only(config.path)
    if config.source == "store-rw":
        return ox.Store(config.path)
    return open_store(config.path)


def limit_memory(limit: int) -> None:
    """Cap this process's data memory (and write no core file when a query hits the cap)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limit:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _die_with_parent(parent_pid: int) -> None:
    """Linux: get SIGKILLed when the server's spawning thread dies, even in the middle of a query
    (which holds the GIL, so no Python watchdog could run). Elsewhere an orphan exits on EOF."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)   # PR_SET_PDEATHSIG
    if parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def serve_jobs(conn: Connection) -> None:
    """Sandbox, read the config, cap memory, open the store, say ready, then answer jobs until
    told to stop (or until a job leaves the worker unfit to go on)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the server's to handle
    sandboxed = deny_network()
    config: WorkerConfig = conn.recv()
    _die_with_parent(config.parent_pid)
    try:
        limit_memory(config.memory_limit)
        store = open_source(config)
        dataset = default_dataset(store)
    except MemoryError:
        conn.send(("error", f"{config.path}: the store does not open within the memory limit of "
                            f"{config.memory_limit >> 20} MB per query worker; raise it"))
        return
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
        reply = answer(store, job, config, dataset)
        conn.send(reply)
        if reply.retire:
            return


def answer(store: ox.Store, job: Job, config: WorkerConfig, dataset: dict | None = None) -> Reply:
    """Evaluate one job into a complete HTTP reply; never raises for a bad query. `dataset`: the
    Store.query options of the default graph (kg.store.layout.default_dataset)."""
    keyword = outbound_keyword(job.text, update=job.kind == "update")
    if keyword:
        return text_reply(400, OUTBOUND_REFUSED[keyword])
    try:
        if job.kind == "update":
            store.update(job.text, prefixes=config.prefixes)
            store.flush()
            return Reply(204, TEXT, b"")
        return _query(store, job, config, default_dataset(store) if dataset is None else dataset)
    except SyntaxError as err:
        return text_reply(400, f"malformed {job.kind}: "
                               f"{readable_syntax_error(str(err), job.text, config.prefixes)}")
    except TooManyResults:
        return text_reply(413, f"the result has more than {config.max_results} rows or triples, this "
                               "endpoint's limit: add a LIMIT or narrow the query")
    except TooLarge:
        return text_reply(413, f"the answer is larger than {config.max_bytes >> 20} MB, this endpoint's "
                               "limit: select fewer or shorter values, or add a LIMIT")
    except MemoryError:
        return memory_reply(config.memory_limit, job.text)
    except (OSError, RuntimeError, ValueError) as err:
        return text_reply(500, f"{job.kind} failed: {err}")


def _dataset_options(job: Job, dataset: dict) -> dict:
    options: dict = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        options.update(dataset)
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _query(store: ox.Store, job: Job, config: WorkerConfig, dataset: dict) -> Reply:
    max_results = config.max_results
    results = store.query(job.text, prefixes=config.prefixes, **_dataset_options(job, dataset))
    if isinstance(results, ox.QueryTriples):
        if job.rdf_format is None:
            return _not_acceptable("CONSTRUCT/DESCRIBE", TRIPLE_FORMATS)
        triples = list(islice(results, max_results + 1))
        if len(triples) > max_results:
            raise TooManyResults
        rdf = FORMATS[job.rdf_format].oxigraph
        prefixes = None if rdf == ox.RdfFormat.N_TRIPLES else config.prefixes
        return _bounded(Reply(200, rdf.media_type, ox.serialize(triples, format=rdf, prefixes=prefixes) or b""),
                        config)
    if job.results_format is None:
        return _not_acceptable("SELECT/ASK", SOLUTION_FORMATS)
    fmt = FORMATS[job.results_format].oxigraph
    if isinstance(results, ox.QueryBoolean):
        return Reply(200, fmt.media_type, results.serialize(format=fmt))
    # Count rows on the way through TSV (one line per row), then convert: one evaluation only.
    counted = _BoundedTsv(max_results, config.max_bytes)
    results.serialize(counted, format=ox.QueryResultsFormat.TSV)
    tsv = b"".join(counted.chunks)
    if fmt == ox.QueryResultsFormat.TSV:
        return Reply(200, fmt.media_type, tsv)
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return _bounded(Reply(200, fmt.media_type, parsed.serialize(format=fmt)), config)


def _bounded(reply: Reply, config: WorkerConfig) -> Reply:
    if len(reply.body) > config.max_bytes:
        raise TooLarge
    return reply


def _not_acceptable(form: str, names: tuple[str, ...]) -> Reply:
    types = ", ".join(FORMATS[name].media_type for name in names)
    return text_reply(406, f"no acceptable format for {form} results; this endpoint offers: {types}")


if __name__ == "__main__":
    # Through the module's real name, so the replies pickle as kg.server_worker.Reply.
    from kg.serve.worker import serve_jobs as _serve_jobs

    _serve_jobs(Connection(int(sys.argv[1])))
