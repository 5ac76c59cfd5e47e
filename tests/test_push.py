"""kg.exchange.push against real servers on loopback: an Oxigraph server, a private Virtuoso, and a scripted stub
for the failure modes (retries, give-up, 4xx, auth) that real servers will not produce on demand."""

from __future__ import annotations

import base64
import glob
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from requests.auth import HTTPDigestAuth

from kg.exchange.push import (
    PushError,
    batches,
    build_graphs,
    clear_request,
    insert_request,
    push,
)
from kg.store.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_SUBTYPES = {URIRef(XSD + n) for n in ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                     "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort",
                                     "unsignedByte")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cmd: list[str], ready_url: str, folder: Path, timeout: float):
    """Start a server process; wait (bounded) until ready_url answers 200; kill it on failure."""
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if requests.get(ready_url, timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop_server(proc)
    tail = (folder / "server.log").read_text(errors="replace")[-2000:]
    pytest.fail(f"{cmd[0]} did not come up within {timeout} s:\n{tail}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def count(query_url: str, graph: str) -> int:
    resp = requests.post(query_url, data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
    resp.raise_for_status()
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def integers_as_integer(graph: Graph) -> Graph:
    """Oxigraph stores every xsd:integer subtype (nonNegativeInteger...) as xsd:integer; compare modulo that."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in INTEGER_SUBTYPES:
            o = Literal(str(o), datatype=URIRef(XSD + "integer"))
        out.add((s, p, o))
    return out


def same_graph(got: Graph, want: Graph) -> bool:
    return isomorphic(integers_as_integer(got), integers_as_integer(want))


def fetch_graph(query_url: str, graph: str) -> Graph:
    resp = requests.post(query_url, data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                         headers={"Accept": "application/n-triples"}, timeout=30)
    resp.raise_for_status()
    return Graph().parse(data=resp.text, format="nt")




@pytest.fixture(scope="module")
def expected(example_build) -> dict[str, Graph]:
    """The build's named graphs, read by rdflib from graph.trig (independently of kg.exchange.push)."""
    ds = load_dataset(example_build)
    graphs = {str(g.identifier): g for g in ds.graphs() if isinstance(g.identifier, URIRef)
              and str(g.identifier).startswith("https://w3id.org/newskg/graph/") and len(g)}
    assert len(graphs) >= 3
    return graphs


# --- pure parts ---------------------------------------------------------------------------------

def _t(s, o):
    return ox.Triple(s, ox.NamedNode(EX + "p"), o)


def test_batches_are_bounded_and_keep_blank_node_clusters_whole():
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    ground = [_t(ox.NamedNode(f"{EX}s{i}"), ox.Literal(str(i))) for i in range(7)]
    chain = [_t(a, b), _t(b, c), _t(c, ox.Literal("end"))]          # one cluster of 3
    triples = ground[:2] + chain[:1] + ground[2:] + chain[1:]
    out = batches(triples, 4)
    assert sorted(map(str, (t for batch in out for t in batch))) == sorted(map(str, triples))
    assert all(len(batch) <= 4 for batch in out)
    holding = [i for i, batch in enumerate(out) if any(t in chain for t in batch)]
    assert len(holding) == 1 and all(t in out[holding[0]] for t in chain)
    assert [len(batch) for batch in batches(chain, 2)] == [3]        # an oversized cluster stays whole


def test_update_requests_run_on_a_sparql_engine_and_keep_awkward_literals():
    graph = EX + "g"
    node, s = ox.BlankNode("x"), ox.NamedNode(EX + "s")
    triples = [_t(s, ox.Literal('say "hi"\nnow\\ \x01 café', language="fr")),
               _t(s, ox.Literal("2020", datatype=ox.NamedNode(XSD + "gYear"))),
               _t(s, node), _t(node, ox.Literal("inner"))]
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "old"), ox.NamedNode(EX + "p"), ox.Literal("stale"), ox.NamedNode(graph)))
    store.update(clear_request(graph))
    for batch in batches(triples, 2):
        request = insert_request(graph, batch)
        has_blank = any(isinstance(term, ox.BlankNode) for t in batch for term in (t.subject, t.object))
        assert ("WHERE {}" in request) == has_blank
        store.update(request)
    got = [ox.Triple(q.subject, q.predicate, q.object)
           for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    assert len(got) == 4 and {str(t.object) for t in got} >= {str(t.object) for t in triples[:2]}
    inner = [t for t in got if t.object == ox.Literal("inner")][0].subject
    assert any(t.object == inner for t in got)                        # the blank node is still one node


def test_bad_arguments_are_refused(example_build):
    with pytest.raises(ValueError, match="http"):
        push(example_build, "ftp://host/store")
    with pytest.raises(ValueError, match="auth"):
        push(example_build, "http://127.0.0.1:1/store", auth="kerberos")
    with pytest.raises(ValueError, match="not a valid IRI"):
        push(example_build, "http://127.0.0.1:1/store", graph="not an iri")
    with pytest.raises(ValueError, match="method"):
        push(example_build, "http://127.0.0.1:1/store", method="ftp")


# --- Oxigraph server ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    exe = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if not exe:
        pytest.skip("the `oxigraph` server CLI is not installed (pip install oxigraph; dev extra)")
    folder = tmp_path_factory.mktemp("oxigraph")
    base = f"http://127.0.0.1:{free_port()}"
    proc = start_server([exe, "serve", "--location", str(folder / "db"), "--bind", base[7:]],
                        f"{base}/query?query=ASK%7B%7D", folder, timeout=30)
    try:
        yield base
    finally:
        stop_server(proc)


def test_gsp_push_round_trips_every_graph(oxigraph, example_build, expected):
    summary = push(example_build, f"{oxigraph}/store")
    assert summary.method == "gsp" and summary.fallback_reason is None
    assert summary.graphs == {g: len(expected[g]) for g in sorted(expected)}
    assert summary.requests == len(expected) and str(summary.triples) in str(summary)
    for iri, graph in expected.items():
        assert same_graph(fetch_graph(f"{oxigraph}/query", iri), graph), iri
    again = push(example_build, f"{oxigraph}/store")                  # idempotent
    assert again.graphs == summary.graphs
    assert {g: count(f"{oxigraph}/query", g) for g in expected} == summary.graphs


def test_update_fallback_when_the_url_has_no_graph_store(oxigraph, example_build, expected):
    requests.post(f"{oxigraph}/update", data="DROP ALL", timeout=10,
                  headers={"Content-Type": "application/sparql-update"}).raise_for_status()
    summary = push(example_build, f"{oxigraph}/update", batch_size=300)
    assert summary.method == "update" and "404" in summary.fallback_reason
    n_batches = sum(-(-len(g) // 300) for g in expected.values())
    assert summary.requests == 1 + len(expected) + n_batches        # failed PUT, CLEARs, INSERTs
    for iri, graph in expected.items():
        assert same_graph(fetch_graph(f"{oxigraph}/query", iri), graph), iri


def test_everything_into_one_graph(oxigraph, example_build):
    target = EX + "newskg/all"
    summary = push(example_build, f"{oxigraph}/store", graph=target)
    union = {t for g in build_graphs(example_build).values() for t in g}
    assert summary.graphs == {target: len(union)} == {target: count(f"{oxigraph}/query", target)}


def test_blank_nodes_survive_batched_updates(oxigraph, tmp_path):
    (tmp_path / "graph.trig").write_text(
        f"<{EX}g/b> {{ <{EX}s> <{EX}p> [ <{EX}q> [ <{EX}r> 1 ] ; <{EX}q> 2 ] . <{EX}s> <{EX}p> 3 . "
        f"<{EX}s> <{EX}p> 4 . <{EX}s> <{EX}p> 5 . }}")
    summary = push(tmp_path, f"{oxigraph}/update", update_url=f"{oxigraph}/update", method="update", batch_size=2)
    assert summary.graphs == {f"{EX}g/b": 7}
    want = Dataset().parse(tmp_path / "graph.trig", format="trig").graph(URIRef(f"{EX}g/b"))
    assert same_graph(fetch_graph(f"{oxigraph}/query", f"{EX}g/b"), want)


def test_wrong_path_gives_a_clear_error(oxigraph, example_build):
    with pytest.raises(PushError) as err:
        push(example_build, f"{oxigraph}/no-such-path")
    message = str(err.value)
    assert err.value.status == 404 and "/no-such-path" in message and "404" in message
    assert err.value.graph in message and err.value.graph.startswith("https://w3id.org/newskg/graph/")


# --- scripted stub: transient errors, give-up, 4xx, basic auth ----------------------------------

@pytest.fixture()
def stub():
    """A loopback HTTP server answering from a script of (status, headers, body); the last repeats."""
    seen: list[dict] = []
    script: list[tuple[int, dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status, headers, reply = script[min(len(seen), len(script)) - 1]
            self.send_response(status)
            for k, v in {**headers, "Content-Length": str(len(reply))}.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(reply)

        do_POST = do_PUT

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", script, seen
    finally:
        server.shutdown()
        server.server_close()


def test_transient_errors_are_retried_then_succeed(stub, example_build, expected):
    url, script, seen = stub
    script += [(503, {"Retry-After": "0"}, b"busy"), (429, {}, b"slow down"), (201, {}, b"")]
    summary = push(example_build, url, backoff=0.01)
    assert summary.requests == len(seen) == len(expected) + 2
    assert len({r["path"] for r in seen[:3]}) == 1                     # the same graph, re-sent


def test_gives_up_after_retries(stub, example_build):
    url, script, seen = stub
    script += [(502, {}, b"bad gateway")]
    with pytest.raises(PushError, match=r"gave up after 3 attempts.*502.*bad gateway"):
        push(example_build, url, retries=2, backoff=0.01)
    assert len(seen) == 3


def test_client_errors_are_not_retried_and_say_why(stub, example_build):
    url, script, seen = stub
    script += [(400, {}, b"Turtle parse error at line 3 <script>")]
    with pytest.raises(PushError) as err:
        push(example_build, url, backoff=0.01)
    assert len(seen) == 1 and err.value.status == 400
    assert "Turtle parse error at line 3" in str(err.value) and err.value.graph in str(err.value)


def test_basic_auth_and_exact_n_triples_bodies(stub, example_build, expected):
    url, script, seen = stub
    script += [(204, {}, b"")]
    push(example_build, url, user="alice", password="s3cret")
    assert seen[0]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    for request in seen:                                  # exactly the published graphs, datatypes included
        assert request["headers"]["Content-Type"] == "application/n-triples"
        iri = unquote(re.fullmatch(r"/store\?graph=(.+)", request["path"]).group(1))
        assert isomorphic(Graph().parse(data=request["body"].decode(), format="nt"), expected[iri]), iri


def test_connection_refused_gives_up(example_build):
    with pytest.raises(PushError, match="gave up after 2 attempts.*ConnectionError"):
        push(example_build, f"http://127.0.0.1:{free_port()}/store", retries=1, backoff=0.01)


# --- Virtuoso (Debian's virtuoso-opensource, installed by .ci/setup-triplestores.sh) --------------

def virtuoso_ini(template: str, folder: Path, http_port: int, sql_port: int) -> str:
    """The packaged ini with every file in `folder` and our own ports."""
    values = {("Database", "DatabaseFile"): folder / "virtuoso.db", ("Database", "ErrorLogFile"): folder / "virtuoso.log",
              ("Database", "LockFile"): folder / "virtuoso.lck", ("Database", "TransactionFile"): folder / "virtuoso.trx",
              ("Database", "xa_persistent_file"): folder / "virtuoso.pxa",
              ("TempDatabase", "DatabaseFile"): folder / "virtuoso-temp.db",
              ("TempDatabase", "TransactionFile"): folder / "virtuoso-temp.trx",
              ("Parameters", "ServerPort"): sql_port, ("Parameters", "DirsAllowed"): f"., {folder}",
              ("HTTPServer", "ServerPort"): http_port, ("URIQA", "DefaultHost"): f"localhost:{http_port}"}
    section, lines = None, []
    for line in template.splitlines():
        if m := re.match(r"\s*\[(.+?)\]", line):
            section = m.group(1)
        elif (m := re.match(r"(\s*)(\w+)(\s*=\s*)", line)) and (section, m.group(2)) in values:
            line = f"{m.group(1)}{m.group(2)}{m.group(3)}{values[section, m.group(2)]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    exe = shutil.which("virtuoso-t")
    templates = sorted(glob.glob("/usr/share/virtuoso-opensource*/virtuoso.ini"))
    if not exe or not templates:
        pytest.skip("virtuoso-t is not installed (run .ci/setup-triplestores.sh: Debian virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(virtuoso_ini(Path(templates[-1]).read_text(), folder, http_port, sql_port))
    base = f"http://127.0.0.1:{http_port}"
    proc = start_server([exe, "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
                        f"{base}/sparql?query=ASK%7B%7D", folder, timeout=90)
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.mark.slow
def test_virtuoso_graph_store_with_digest_auth(virtuoso, example_build, expected):
    gsp = f"{virtuoso}/sparql-graph-crud-auth"
    summary = push(example_build, gsp, user="dba", password="dba", auth="digest")
    assert summary.method == "gsp" and summary.graphs == {g: len(expected[g]) for g in sorted(expected)}
    assert {g: count(f"{virtuoso}/sparql", g) for g in expected} == summary.graphs
    push(example_build, gsp, user="dba", password="dba", auth="digest")          # idempotent
    assert {g: count(f"{virtuoso}/sparql", g) for g in expected} == summary.graphs
    with pytest.raises(PushError, match="401.*digest"):
        push(example_build, gsp, user="dba", password="wrong", auth="digest", retries=0)


@pytest.mark.slow
def test_virtuoso_sparql_update_in_batches(virtuoso, example_build, expected):
    endpoint = f"{virtuoso}/sparql-auth"
    for iri in expected:
        requests.post(endpoint, data=f"DROP SILENT GRAPH <{iri}>", auth=HTTPDigestAuth("dba", "dba"), timeout=30,
                      headers={"Content-Type": "application/sparql-update"}).raise_for_status()
    assert all(count(f"{virtuoso}/sparql", g) == 0 for g in expected)
    summary = push(example_build, endpoint, user="dba", password="dba", auth="digest", method="update",
                   batch_size=1000)
    assert summary.method == "update"
    assert summary.requests == sum(1 + -(-len(g) // 1000) for g in expected.values())
    assert {g: count(f"{virtuoso}/sparql", g) for g in expected} == summary.graphs == \
        {g: len(expected[g]) for g in sorted(expected)}
