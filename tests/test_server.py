"""The SPARQL endpoint, through real clients (SPARQLWrapper, rdflib SPARQLStore) and raw HTTP."""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest
from pyoxigraph import QueryResultsFormat
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, JSONLD, TURTLE, XML, SPARQLWrapper

from kg.query.sparql import run
from kg.serve.guard import outbound_keyword
from kg.serve.server import make_server
from kg.store.dataset import NotABuild

ROOT = Path(__file__).resolve().parent.parent
PERSONS = "SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p"
CONSTRUCT = "CONSTRUCT { ?p a kg:Person ; rdfs:label ?l } WHERE { ?p a kg:Person ; rdfs:label ?l }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SRJ = "{http://www.w3.org/2005/sparql-results#}"
TOKEN = "s3cret-token"
FORM = "application/x-www-form-urlencoded"




def _serving(example_build, **options):
    server = make_server(example_build, port=0, quiet=True, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def server(example_build):
    yield from _serving(example_build)


@pytest.fixture(scope="module")
def strict(example_build):
    """A server with a 1 s time limit and at most 50 results."""
    yield from _serving(example_build, timeout=1.0, max_results=50, workers=2)


@pytest.fixture(scope="module")
def writable(example_build, tmp_path_factory):
    copy = tmp_path_factory.mktemp("server-rw") / "build"
    shutil.copytree(example_build, copy)
    yield from _serving(copy, allow_update=True, token=TOKEN)


def request(server, method, path, body=None, headers=None):
    """A raw request (the path is sent as is): (status, headers, body bytes)."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def get(server, query, accept=None, **params):
    return request(server, "GET", "/sparql?" + urlencode({"query": query, **params}),
                   headers={"Accept": accept} if accept else {})


def expected_persons(example_build):
    return [sol["p"].value for sol in run(example_build, PERSONS)]


# --- real clients --------------------------------------------------------------------------
def test_sparqlwrapper_select_json_and_xml(server, example_build):
    wrapper = SPARQLWrapper(server.url + "sparql", returnFormat=JSON)
    wrapper.setQuery(PERSONS)
    rows = wrapper.queryAndConvert()["results"]["bindings"]
    assert [r["p"]["value"] for r in rows] == expected_persons(example_build) != []
    wrapper.setReturnFormat(XML)
    wrapper.setMethod("POST")
    uris = wrapper.queryAndConvert().getElementsByTagName("uri")
    assert [node.firstChild.data for node in uris] == expected_persons(example_build)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_construct(server, example_build):
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setQuery(CONSTRUCT)
    expected = len(list(run(example_build, CONSTRUCT)))
    wrapper.setReturnFormat(TURTLE)
    turtle = Graph().parse(data=wrapper.queryAndConvert(), format="turtle")
    assert len(turtle) == expected > 0
    wrapper.setReturnFormat(XML)            # SPARQLWrapper's default for CONSTRUCT: RDF/XML
    assert len(wrapper.queryAndConvert()) == expected
    wrapper.setReturnFormat(JSONLD)
    assert len(wrapper.queryAndConvert()) == expected


def test_rdflib_sparqlstore(server, example_build):
    graph = Graph(SPARQLStore(server.url + "sparql"))
    prefix = "PREFIX kg: <https://w3id.org/newskg/ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    rows = graph.query(prefix + PERSONS)
    assert [str(r.p) for r in rows] == expected_persons(example_build)
    constructed = graph.query(prefix + CONSTRUCT).graph
    assert len(constructed) == len(list(run(example_build, CONSTRUCT)))
    assert graph.query(prefix + "ASK { ?p a kg:Person }").askAnswer is True


# --- protocol and formats ------------------------------------------------------------------
def test_get_post_form_and_post_query_agree(server):
    _, _, by_get = get(server, PERSONS)
    status, _, by_form = request(server, "POST", "/sparql", urlencode({"query": PERSONS}),
                                 {"Content-Type": FORM + "; charset=UTF-8"})
    assert status == 200
    status, _, by_body = request(server, "POST", "/sparql", PERSONS.encode(),
                                 {"Content-Type": "application/sparql-query"})
    assert status == 200
    assert json.loads(by_get) == json.loads(by_form) == json.loads(by_body)


def test_json_equals_pyoxigraph_serialization(server, example_build):
    query = "SELECT ?e ?l ?alt WHERE { ?e rdfs:label ?l OPTIONAL { ?e skos:altLabel ?alt } } ORDER BY ?e ?l ?alt"
    _, _, body = get(server, query)
    direct = run(example_build, query).serialize(format=QueryResultsFormat.JSON)
    assert json.loads(body) == json.loads(direct)


@pytest.mark.parametrize("how", ["accept", "param"])
def test_every_select_format_parses(server, example_build, how):
    persons = expected_persons(example_build)
    def fetch(media, name):
        status, headers, body = get(server, PERSONS, media) if how == "accept" else get(server, PERSONS, format=name)
        assert status == 200 and headers["Content-Type"].startswith(media), headers["Content-Type"]
        return body.decode("utf-8")
    assert [b["p"]["value"] for b in json.loads(fetch("application/sparql-results+json", "json"))
            ["results"]["bindings"]] == persons
    root = ET.fromstring(fetch("application/sparql-results+xml", "xml"))
    assert [u.text for u in root.iter(f"{SRJ}uri")] == persons
    rows = list(csv.reader(io.StringIO(fetch("text/csv", "csv"))))
    assert rows[0] == ["p"] and [r[0] for r in rows[1:]] == persons
    lines = fetch("text/tab-separated-values", "tsv").splitlines()
    assert lines[0] == "?p" and lines[1:] == [f"<{p}>" for p in persons]


@pytest.mark.parametrize("media,name,rdflib_format", [
    ("text/turtle", "ttl", "turtle"), ("application/n-triples", "nt", "nt"),
    ("application/ld+json", "jsonld", "json-ld"), ("application/rdf+xml", "rdfxml", "xml")])
def test_every_construct_format_parses(server, example_build, media, name, rdflib_format):
    expected = len(list(run(example_build, CONSTRUCT)))
    for status, headers, body in (get(server, CONSTRUCT, media), get(server, CONSTRUCT, format=name)):
        assert status == 200 and headers["Content-Type"].startswith(media)
        assert len(Graph().parse(data=body, format=rdflib_format)) == expected


def test_ask(server):
    status, _, body = get(server, "ASK { ?p a kg:Person }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = get(server, "ASK { ?p a kg:NoSuchClass }", "application/sparql-results+xml")
    assert status == 200 and ET.fromstring(body).find(f"{SRJ}boolean").text == "false"


def test_default_graph_uri_narrows_the_dataset(server, example_build):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graph = next(iter(run(example_build, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")))["g"].value
    def n(**params):
        _, _, body = get(server, count, **params)
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert 0 < n(**{"default-graph-uri": graph}) < n()
    assert get(server, count, **{"default-graph-uri": "not an iri"})[0] == 400


# --- status codes ------------------------------------------------------------------------------
def test_malformed_query_is_400_with_the_parser_message(server):
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p }")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert b"malformed query" in body and b"error at 1:" in body
    assert request(server, "GET", "/sparql")[0] == 400           # no query at all


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(server, method):
    status, headers, _ = request(server, method, "/sparql", b"", {"Content-Length": "0"})
    assert status == 405 and "POST" in headers["Allow"]
    assert request(server, "POST", "/graph.ttl", b"x", {"Content-Type": "text/plain"})[0] == 405


def test_unsupported_content_type_is_415(server):
    status, _, body = request(server, "POST", "/sparql", PERSONS.encode(), {"Content-Type": "text/plain"})
    assert status == 415 and b"application/sparql-query" in body


def test_no_acceptable_format_is_406(server):
    assert get(server, PERSONS, "image/png")[0] == 406
    assert get(server, CONSTRUCT, "text/csv")[0] == 406          # CSV exists for SELECT only
    assert get(server, PERSONS, format="yaml")[0] == 406


@pytest.mark.parametrize("path", ["/nope", "/store/CURRENT", "/../etc/passwd", "/%2e%2e/etc/passwd",
                                  "/..%2f..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                  "/graph.ttl/../../../etc/passwd", "//etc/passwd", "/./graph.ttl",
                                  "/%67raph.ttl", "/records"])
def test_nothing_else_from_disk(server, path):
    status, _, body = request(server, "GET", path)
    assert status == 404 and b"root:" not in body


def test_files_are_served_with_their_types(server, example_build):
    for path, name, media in [("/", "explorer.html", "text/html"), ("/explorer.html", "explorer.html", "text/html"),
                              ("/graph.ttl", "graph.ttl", "text/turtle"), ("/graph.trig", "graph.trig", "application/trig"),
                              ("/report.json", "report.json", "application/json")]:
        status, headers, body = request(server, "GET", path)
        assert status == 200 and headers["Content-Type"].startswith(media)
        assert body == (example_build / name).read_bytes()
    status, headers, body = request(server, "HEAD", "/graph.ttl")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == (example_build / "graph.ttl").stat().st_size


def test_cors(server):
    assert get(server, PERSONS)[1]["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = request(server, "OPTIONS", "/sparql", headers={
        "Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()


def test_loopback_by_default_and_bad_setups(server, example_build):
    assert server.server_address[0] == "127.0.0.1"
    with pytest.raises(NotABuild):
        make_server(example_build.parent / "missing", port=0)
    with pytest.raises(ValueError, match="token"):
        make_server(example_build, port=0, allow_update=True)


# --- limits ---------------------------------------------------------------------------------
def test_timeout_is_503_and_the_server_keeps_answering(strict):
    started = time.monotonic()
    status, _, body = get(strict, HEAVY)
    assert status == 503 and b"time limit" in body
    assert time.monotonic() - started < 5
    for _ in range(3):                       # every worker, old or new, answers at once
        started = time.monotonic()
        assert get(strict, "ASK { ?s ?p ?o }")[0] == 200
        assert time.monotonic() - started < 3.0  # not stuck behind the killed worker


def test_result_limit_is_413_not_a_truncated_answer(strict):
    status, _, body = get(strict, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"50" in body
    assert get(strict, "CONSTRUCT WHERE { ?s ?p ?o }")[0] == 413
    status, _, body = get(strict, "SELECT * WHERE { ?s ?p ?o } LIMIT 50")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
def test_workers_die_with_a_killed_server_even_mid_query(example_build):
    script = ("import sys; from kg.serve.server import make_server\n"
              f"s = make_server({str(example_build)!r}, port=0, quiet=True, timeout=60)\n"
              "print(s.server_address[1], *[w.process.pid for w in s.pool._all], flush=True)\n"
              "s.serve_forever()\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    port, *workers = map(int, parent.stdout.readline().split())
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/sparql?" + urlencode({"query": HEAVY}))
        time.sleep(0.5)                      # the heavy query is running in a worker now
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        conn.close()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers and not any(_alive(pid) for pid in workers)
    finally:
        for pid in filter(_alive, workers):  # never leave a runaway query behind
            os.kill(pid, signal.SIGKILL)


# --- no outbound requests -------------------------------------------------------------------------
@pytest.mark.parametrize("query", [  # the scan's variants are unit-tested in test_server_units.py
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { ?x ?y ?z . service silent <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(server, query):
    status, _, body = get(server, query)
    assert status == 400 and b"SERVICE" in body


def test_a_service_that_slips_past_the_scan_cannot_connect(server):
    """Oxigraph reads `?a<?b)SERVICE:x#>` as a comparison, a scan as an IRI: the sandbox stops it."""
    if not server.pool.sandboxed:
        pytest.skip("no seccomp sandbox on this platform")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(1.0)
        base = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        query = f"PREFIX : <{base}> SELECT * WHERE {{ FILTER(?a<?b)SERVICE:x#>\n{{ ?s ?p ?o }} }}"
        assert outbound_keyword(query) is None
        status, _, body = get(server, query)
        with pytest.raises(TimeoutError):
            listener.accept()
    assert status == 500 and b"ermission denied" in body


# --- updates --------------------------------------------------------------------------------------
def test_update_is_refused_by_default(server):
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> 'c' }"
    status, _, body = request(server, "POST", "/update", insert.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    assert request(server, "POST", "/sparql", urlencode({"update": insert}), {"Content-Type": FORM})[0] == 403
    assert get(server, "ASK { <http://example.org/a> ?p ?o }")[2].count(b"false") == 1


def test_update_with_token(writable):
    def post(update, token=TOKEN, form=False):
        body, ctype = (urlencode({"update": update}), FORM) if form else (update.encode(), "application/sparql-update")
        headers = {"Content-Type": ctype, **({"Authorization": f"Bearer {token}"} if token else {})}
        return request(writable, "POST", "/update", body, headers)
    insert = "INSERT DATA { <http://example.org/a> rdfs:label 'added' }"
    assert post(insert, token=None)[0] == 401 and post(insert, token="wrong")[0] == 401
    assert b"false" in get(writable, "ASK { <http://example.org/a> ?p ?o }")[2]
    assert post(insert)[0] == 204
    assert b"true" in get(writable, "ASK { <http://example.org/a> rdfs:label 'added' }")[2]
    assert post("DELETE WHERE { <http://example.org/a> ?p ?o }", form=True)[0] == 204
    assert b"false" in get(writable, "ASK { <http://example.org/a> ?p ?o }")[2]
    status, _, body = post("INSERT DATA {")
    assert status == 400 and b"malformed update" in body
    for outbound in ("LOAD <http://example.org/data.ttl>", "load <file:///etc/passwd> INTO GRAPH <http://x/>",
                     "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        status, _, body = post(outbound)
        assert status == 400 and b"not allowed" in body


# --- load -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_twenty_concurrent_clients_for_thirty_seconds(server):
    """Each client loops over a mix of queries with urllib, for 30 s or 400 requests."""
    mix = [(PERSONS, None), (PERSONS, "text/csv"), ("ASK { ?s ?p ?o }", None), (CONSTRUCT, "text/turtle"),
           ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+xml")]
    deadline, successes, errors = time.monotonic() + 30, [0] * 20, []

    def client(index):
        for i in range(400):
            if time.monotonic() > deadline:
                return
            query, accept = mix[(index + i) % len(mix)]
            form = urlencode({"query": query}).encode() if i % 2 else None    # POST every other time
            req = urllib.request.Request(server.url + "sparql" + ("" if form else "?" + urlencode({"query": query})),
                                         data=form, headers={"Accept": accept or "*/*"})
            try:
                with urllib.request.urlopen(req, timeout=30) as response:
                    successes[index] += bool(response.status == 200 and response.read())
            except Exception as err:  # noqa: BLE001 - every failure counts
                errors.append(repr(err))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and all(n > 0 for n in successes) and sum(successes) >= 200
