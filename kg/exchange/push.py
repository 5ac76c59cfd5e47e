"""Push a build into a remote triple store over HTTP (Oxigraph server, Virtuoso, Fuseki, GraphDB...).

The SPARQL 1.1 Graph Store HTTP Protocol comes first: one PUT per named graph replaces that graph
whole, so pushing the same build twice leaves the store as it was. Servers without it (a 404, 405
or 501 on the first PUT) get SPARQL Update instead: CLEAR SILENT the graph, then INSERT in bounded
batches, so no single request grows with the corpus. Blank nodes never straddle two batches (a
blank-node label only means the same node inside one request), and batches that hold blank nodes
use INSERT {...} WHERE {} because Virtuoso refuses blank nodes in INSERT DATA. A server that
calls itself Virtuoso (Server header) gets its big-data-const pragma, which makes large constant
inserts about ten times faster there; every other server gets plain SPARQL 1.1.

A transient failure (connection error, timeout, 429, 502, 503, 504) restarts the upload of that
graph after an exponential back-off; any other error stops the push with the status, the
server's own message and the graph concerned.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from kg.store.dataset import GRAPH_TRIG, open_store
from kg.store.layout import named_quads

DEFAULT_GRAPH = "default"          # key of the default graph in PushSummary.graphs (not an IRI)
FALLBACK_STATUSES = frozenset({404, 405, 501})   # "no Graph Store Protocol here"
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
METHODS = ("auto", "gsp", "update")
MAX_RETRY_AFTER = 30.0             # seconds; a server asking for longer is not worth waiting for
NT_TYPE = "application/n-triples"
VIRTUOSO_PROLOGUE = "DEFINE sql:big-data-const 1\n"


class PushError(RuntimeError):
    """The push failed; the message names the request, the graph, the status and the server's reason."""

    def __init__(self, message: str, *, status: int | None = None, graph: str | None = None):
        super().__init__(message)
        self.status = status
        self.graph = graph


@dataclass(frozen=True)
class PushSummary:
    """What was sent: graph IRI -> triples, in push order, and how."""

    endpoint: str
    method: str                    # "gsp" or "update"
    graphs: dict[str, int]
    requests: int                  # HTTP requests made, retries included
    elapsed: float                 # seconds
    fallback_reason: str | None = None

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def __str__(self) -> str:
        how = "Graph Store Protocol" if self.method == "gsp" else "SPARQL Update"
        lines = [f"pushed {self.triples} triples in {len(self.graphs)} graphs to {self.endpoint} "
                 f"by {how} ({self.requests} requests, {self.elapsed:.1f} s)"]
        if self.fallback_reason:
            lines.append(f"  (no Graph Store Protocol: {self.fallback_reason})")
        lines += [f"  {n:>8}  {g}" for g, n in self.graphs.items()]
        return "\n".join(lines)


class _Transient(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class _Unsupported(Exception):
    """The Graph Store Protocol request answered 404/405/501."""


def _sort_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def _build_quads(build_dir: str | Path) -> Iterable[ox.Quad]:
    """The build's quads exactly as published: graph.trig keeps every datatype, whereas the
    on-disk store (read only when graph.trig is missing) stores xsd:integer subtypes as xsd:integer."""
    trig = Path(build_dir) / GRAPH_TRIG
    if trig.is_file():
        try:
            return list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
        except SyntaxError as err:
            raise ValueError(f"{trig}: not valid TriG: {err}") from err
    return named_quads(open_store(build_dir))   # not the default graph: it repeats them


def build_graphs(build_dir: str | Path, graph: str | None = None) -> dict[str, list[ox.Triple]]:
    """The build's triples by graph (IRI, or DEFAULT_GRAPH), sorted; all in `graph` if given."""
    by_graph: dict[str, set[ox.Triple]] = {}
    for q in _build_quads(build_dir):
        name = graph or (q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else DEFAULT_GRAPH)
        by_graph.setdefault(name, set()).add(ox.Triple(q.subject, q.predicate, q.object))
    if graph and graph not in by_graph:
        by_graph[graph] = set()
    return {g: sorted(by_graph[g], key=_sort_key) for g in sorted(by_graph)}


def _blank_nodes(t: ox.Triple) -> list[str]:
    return [term.value for term in (t.subject, t.object) if isinstance(term, ox.BlankNode)]


def batches(triples: list[ox.Triple], batch_size: int) -> list[list[ox.Triple]]:
    """Split into batches of at most batch_size triples, keeping every blank-node cluster whole.

    A cluster (triples linked through shared blank nodes) larger than batch_size gets a batch of
    its own: splitting it would turn one blank node into two.
    """
    parent: dict[str, str] = {}

    def root(b: str) -> str:
        while parent.setdefault(b, b) != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for t in triples:
        nodes = _blank_nodes(t)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    units: dict[object, list[ox.Triple]] = {}
    for i, t in enumerate(triples):
        nodes = _blank_nodes(t)
        units.setdefault(root(nodes[0]) if nodes else i, []).append(t)
    out: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    for unit in units.values():
        if current and len(current) + len(unit) > batch_size:
            out.append(current)
            current = []
        current.extend(unit)
    if current:
        out.append(current)
    return out


def ntriples(triples: Iterable[ox.Triple]) -> str:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def clear_request(graph: str) -> str:
    return "CLEAR SILENT DEFAULT" if graph == DEFAULT_GRAPH else f"CLEAR SILENT GRAPH <{graph}>"


def insert_request(graph: str, triples: list[ox.Triple], prologue: str = "") -> str:
    """One SPARQL Update request inserting these triples (N-Triples syntax) into the graph."""
    body = ntriples(triples)
    if graph != DEFAULT_GRAPH:
        body = f"GRAPH <{graph}> {{\n{body}}}\n"
    if any(_blank_nodes(t) for t in triples):
        return f"{prologue}INSERT {{\n{body}}} WHERE {{}}"
    return f"{prologue}INSERT DATA {{\n{body}}}"


def _server_message(resp: requests.Response) -> str:
    text = " ".join(resp.text.split())
    return (text[:500] + "...") if len(text) > 500 else (text or "(empty body)")


def _retry_after(resp: requests.Response) -> float | None:
    try:
        return min(float(resp.headers.get("Retry-After", "")), MAX_RETRY_AFTER)
    except ValueError:
        return None


class _Pusher:
    def __init__(self, session: requests.Session, gsp_url: str, update_url: str, *,
                 timeout: float, retries: int, backoff: float, batch_size: int):
        self.session, self.gsp_url, self.update_url = session, gsp_url, update_url
        self.timeout, self.retries, self.backoff, self.batch_size = timeout, retries, backoff, batch_size
        self.requests = 0
        self.server = ""               # the Server header last seen

    def send(self, verb: str, url: str, graph: str, **kwargs) -> requests.Response:
        """One request; transient failures raise _Transient, other errors PushError."""
        self.requests += 1
        what = f"{verb} {url} (graph {graph})"
        try:
            resp = self.session.request(verb, url, timeout=self.timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise _Transient(f"{what}: {type(err).__name__}: {err}") from err
        self.server = resp.headers.get("Server", self.server)
        if resp.status_code in TRANSIENT_STATUSES:
            raise _Transient(f"{what}: HTTP {resp.status_code} {resp.reason}: {_server_message(resp)}",
                             _retry_after(resp))
        if resp.status_code < 300:
            return resp
        if verb == "PUT" and resp.status_code in FALLBACK_STATUSES:
            raise _Unsupported(f"PUT {url} answered HTTP {resp.status_code} {resp.reason}")
        hint = ""
        if resp.status_code in (401, 403):
            hint = " (check user, password and auth: Virtuoso's *-auth endpoints want auth='digest')"
        raise PushError(f"{what} failed: HTTP {resp.status_code} {resp.reason}: {_server_message(resp)}{hint}",
                        status=resp.status_code, graph=graph)

    def with_retries(self, graph: str, upload: Callable[[], None]) -> None:
        """Run one graph's whole upload, again from the start after a transient failure."""
        for attempt in range(self.retries + 1):
            try:
                return upload()
            except _Transient as err:
                if attempt == self.retries:
                    raise PushError(f"gave up after {attempt + 1} attempts: {err}", graph=graph) from err
                time.sleep(err.retry_after if err.retry_after is not None else self.backoff * 2 ** attempt)

    def put(self, graph: str, triples: list[ox.Triple]) -> None:
        sep = "&" if "?" in self.gsp_url else "?"
        query = "default" if graph == DEFAULT_GRAPH else urlencode({"graph": graph})
        body = ntriples(triples).encode("utf-8")
        self.send("PUT", f"{self.gsp_url}{sep}{query}", graph, data=body,
                  headers={"Content-Type": NT_TYPE})

    def update(self, graph: str, triples: list[ox.Triple]) -> None:
        self._post_update(graph, clear_request(graph))
        for batch in batches(triples, self.batch_size):
            # Virtuoso compiles a large constant INSERT ten times faster with this pragma.
            prologue = VIRTUOSO_PROLOGUE if self.server.startswith("Virtuoso") else ""
            self._post_update(graph, insert_request(graph, batch, prologue))

    def _post_update(self, graph: str, request: str) -> None:
        self.send("POST", self.update_url, graph, data=request.encode("utf-8"),
                  headers={"Content-Type": "application/sparql-update; charset=utf-8"})


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} {url!r} is not an http(s) URL")
    return url


def push(build_dir: str | Path, endpoint: str, *, graph_per_article: bool = True,
         graph: str | None = None, user: str | None = None, password: str | None = None,
         auth: str = "basic", gsp_url: str | None = None, update_url: str | None = None,
         batch_size: int = 1000, retries: int = 3, method: str = "auto", timeout: float = 60.0,
         backoff: float = 0.5, progress: Callable[[str, int], None] | None = None) -> PushSummary:
    """Upload the build's graphs to `endpoint`; return what was sent.

    `endpoint` serves both protocols unless `gsp_url` / `update_url` say otherwise (Oxigraph:
    .../store for GSP, .../update for Update; Virtuoso: .../sparql-graph-crud-auth and
    .../sparql-auth with digest auth). One graph per article as in the build, or everything in
    the single graph IRI `graph` (which wins over graph_per_article). method: "auto" (GSP, else
    Update when the server lacks GSP), "gsp" or "update". progress(graph, triples) after each graph.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if auth not in ("basic", "digest"):
        raise ValueError(f"auth must be 'basic' or 'digest', not {auth!r}")
    if batch_size < 1 or retries < 0:
        raise ValueError("batch_size must be >= 1 and retries >= 0")
    if not graph_per_article and graph is None:
        raise ValueError("graph_per_article=False needs graph=IRI (the one graph to push into)")
    if graph is not None:
        try:
            iri = ox.NamedNode(graph)
        except ValueError as err:
            raise ValueError(f"graph {graph!r} is not a valid IRI: {err}") from err
        if ":" not in iri.value:
            raise ValueError(f"graph {graph!r} is not an absolute IRI")
    endpoint = _check_url(endpoint, "endpoint")
    session = requests.Session()
    if user is not None:
        session.auth = (HTTPDigestAuth(user, password or "") if auth == "digest"
                        else HTTPBasicAuth(user, password or ""))
    pusher = _Pusher(session, _check_url(gsp_url or endpoint, "gsp_url"),
                     _check_url(update_url or endpoint, "update_url"),
                     timeout=timeout, retries=retries, backoff=backoff, batch_size=batch_size)
    started = time.monotonic()
    graphs = build_graphs(build_dir, graph)
    use_gsp, fallback_reason, sent = method != "update", None, {}
    with session:
        for name, triples in graphs.items():
            if use_gsp:
                try:
                    pusher.with_retries(name, partial(pusher.put, name, triples))
                except _Unsupported as err:
                    if method == "gsp" or sent:
                        raise PushError(f"{err} (graph {name}): no Graph Store Protocol at {pusher.gsp_url}",
                                        graph=name) from err
                    use_gsp, fallback_reason = False, str(err)
            if not use_gsp:
                try:
                    pusher.with_retries(name, partial(pusher.update, name, triples))
                except PushError as err:
                    if fallback_reason:
                        raise PushError(f"{fallback_reason}, and the SPARQL Update fallback failed: {err}",
                                        status=err.status, graph=name) from err
                    raise
            sent[name] = len(triples)
            if progress:
                progress(name, len(triples))
    return PushSummary(endpoint=endpoint, method="gsp" if use_gsp else "update", graphs=sent,
                       requests=pusher.requests, elapsed=time.monotonic() - started,
                       fallback_reason=fallback_reason)
