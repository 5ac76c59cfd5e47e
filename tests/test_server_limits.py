"""The endpoint cannot be exhausted or reached from elsewhere: a memory cap per query worker, a
bound on answer sizes, loopback unless public, a Host check, CORS on /sparql only, repeated
queries answered once. Every server here binds 127.0.0.1 and every test is bounded in time."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlencode

import psutil
import pytest

from kg.serve.access import ExposedAddress, host_header_allowed, is_loopback
from kg.serve.server import make_server

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"   # issue 14: 5.4 GB in 10 s
CAP_MB = 300


def _serving(build, **options):
    server = make_server(build, port=0, quiet=True, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def capped(example_build):
    yield from _serving(example_build, max_memory_mb=CAP_MB, timeout=30, workers=2)


@pytest.fixture(scope="module")
def small_answers(example_build):
    yield from _serving(example_build, max_answer_mb=1, max_results=100_000)


def request(server, path, headers=None, method="GET"):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def query(server, text, headers=None):
    return request(server, "/sparql?" + urlencode({"query": text}), headers)


def _worker_pids(server) -> set[int]:
    return {w.process.pid for w in list(server.pool._all)}


def test_the_cartesian_sort_is_stopped_at_the_cap_while_other_clients_are_answered(capped):
    """The issue's hostile GET, once: stopped with a clear 503, no worker over its cap, the other
    worker answering honest (uncached, all different) queries meanwhile, the worker replaced."""
    before = _worker_pids(capped)
    peaks: dict[int, int] = {}
    honest: list[tuple[int, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in _worker_pids(capped):
                try:
                    peaks[pid] = max(peaks.get(pid, 0), psutil.Process(pid).memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(0.01)

    def other_client() -> None:
        n = 0
        while not done.is_set() and n < 200:
            n += 1
            started = time.monotonic()
            status, _, _ = query(capped, f"SELECT ?p WHERE {{ ?p a kg:Person }} LIMIT {n}")
            honest.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=sample), threading.Thread(target=other_client)]
    for t in threads:
        t.start()
    started = time.monotonic()
    try:
        status, _, body = query(capped, CARTESIAN)
    finally:
        done.set()
        for t in threads:
            t.join(30)
    assert status == 503 and f"more than {CAP_MB} MB of memory".encode() in body and b"ORDER BY" in body
    assert time.monotonic() - started < 25                   # stopped by the cap, not the time limit
    assert peaks and max(peaks.values()) < (CAP_MB + 64) << 20  # resident memory: data + code
    assert honest and all(s == 200 for s, _ in honest) and max(t for _, t in honest) < 5
    deadline = time.monotonic() + 30
    while len(_worker_pids(capped)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    after = _worker_pids(capped)
    assert len(after) == 2 and after != before                 # the worker was replaced
    assert query(capped, "ASK { ?s ?p ?o }")[0] == 200


def test_the_same_hostile_query_again_costs_no_worker(capped):
    query(capped, CARTESIAN)                                   # refused, then remembered
    pids, started = _worker_pids(capped), time.monotonic()
    status, _, body = query(capped, CARTESIAN)
    assert status == 503 and b"memory" in body and time.monotonic() - started < 1
    assert _worker_pids(capped) == pids


def test_repeated_queries_are_evaluated_once(capped):
    text = "SELECT ?l WHERE { ?c a kg:Country ; rdfs:label ?l } ORDER BY ?l"
    hits = capped.pool.cache.hits
    answers = {query(capped, text)[2] for _ in range(5)}
    assert len(answers) == 1 and json.loads(answers.pop())["results"]["bindings"]
    assert capped.pool.cache.hits - hits >= 4


def test_an_answer_over_the_size_bound_is_refused_not_truncated(small_answers):
    # every article text, repeated: few rows, many bytes
    big = "SELECT ?t WHERE { ?d nif:isString ?t . ?s ?p ?o } LIMIT 2000"
    status, _, body = query(small_answers, big)
    assert status == 413 and b"larger than 1 MB" in body
    for accept in ("text/csv", "application/sparql-results+xml", "text/tab-separated-values"):
        assert query(small_answers, big, {"Accept": accept})[0] == 413
    assert query(small_answers, "CONSTRUCT { ?s ?p ?t } WHERE { ?d nif:isString ?t . ?s ?p ?o } LIMIT 2000")[0] == 413
    status, _, body = query(small_answers, "SELECT ?t WHERE { ?d nif:isString ?t } LIMIT 2")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2


# --- who may reach it ------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.0.2.10"])
def test_an_address_other_machines_reach_is_refused_without_public(example_build, host):
    with pytest.raises(ExposedAddress, match="--public"):
        make_server(example_build, host, port=0)


def test_loopback_addresses_and_names():
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST."]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "", "192.0.2.10", "10.0.0.1"]))


@pytest.mark.parametrize("header,allowed", [
    ("localhost:7878", True), ("127.0.0.1:7878", True), ("127.0.0.1", True), ("[::1]:7878", True),
    ("LOCALHOST", True), ("app.localhost:7878", True), (None, True),
    ("evil.example:7878", False), ("localhost.evil.example", False), ("127.0.0.1.nip.io:7878", False),
    ("192.168.1.5:7878", False), ("[2001:db8::1]:7878", False), ("", False),
])
def test_host_header_names_loopback_only(header, allowed):
    assert host_header_allowed(header) is allowed


def test_a_rebound_host_name_is_refused(capped):
    status, headers, body = query(capped, "ASK { ?s ?p ?o }", {"Host": "attacker.example:7878"})
    assert status == 403 and b"localhost" in body and "Access-Control-Allow-Origin" not in headers
    assert request(capped, "/report.json", {"Host": "attacker.example"})[0] == 403
    assert query(capped, "ASK { ?s ?p ?o }", {"Host": "localhost"})[0] == 200


def test_a_public_server_answers_any_host_name(example_build):
    for server in _serving(example_build, public=True, workers=1):   # still bound to 127.0.0.1
        assert query(server, "ASK { ?s ?p ?o }", {"Host": "kg.example.org"})[0] == 200


def test_cors_on_sparql_only(capped):
    assert query(capped, "ASK { ?s ?p ?o }")[1]["Access-Control-Allow-Origin"] == "*"
    assert query(capped, "SELECT * WHERE {")[1]["Access-Control-Allow-Origin"] == "*"   # errors readable too
    for path in ("/", "/explorer.html", "/graph.ttl", "/graph.trig", "/report.json", "/nope"):
        assert "Access-Control-Allow-Origin" not in request(capped, path)[1], path
    status, headers, _ = request(capped, "/report.json", {"Origin": "http://page.example",
                                                          "Access-Control-Request-Method": "GET"}, "OPTIONS")
    assert status == 204 and not any(h.startswith("Access-Control-") for h in headers)
    status, headers, _ = request(capped, "/sparql", {"Origin": "http://yasgui.example",
                                                     "Access-Control-Request-Method": "POST"}, "OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
