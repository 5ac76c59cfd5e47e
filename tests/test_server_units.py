"""The endpoint's pure parts: content negotiation and the outbound-request scan (no server needed)."""

from __future__ import annotations

import pytest

from kg.serve.formats import RDF, RESULTS, choose
from kg.serve.guard import outbound_keyword


def test_accept_q_values_and_defaults():
    assert choose(RESULTS, None, None) == "json" and choose(RDF, "*/*", None) == "ttl"
    assert choose(RESULTS, "text/csv;q=0.5, application/sparql-results+xml;q=0.9", None) == "xml"
    assert choose(RESULTS, "text/*", None) == "csv"               # wildcards mean canonical types
    assert choose(RESULTS, "text/csv;q=0, */*;q=0.1", None) == "json"
    assert choose(RDF, "application/json", None) == "jsonld"
    assert choose(RESULTS, "image/png", None) is None and choose(RDF, "image/png", None) is None


def test_format_parameter_overrides_accept():
    assert choose(RESULTS, "text/csv", "tsv") == "tsv" and choose(RDF, None, "csv") is None
    # SPARQLWrapper repeats the parameter, the last time as a comma-separated list of media types
    assert choose(RDF, None, ["json-ld", "application/ld+json,application/x-json+ld"]) == "jsonld"
    assert choose(RESULTS, None, ["yaml", "text/csv"]) == "csv"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { ?x ?y ?z . service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "PREFIX : <http://example.org/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 'x'SERVICE ?x { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE <http://example.org/> {} }",
    "SELECT * WHERE { ?s ?p ?o }\n# a comment\nSERVICE <http://example.org/> {}",
])
def test_service_keyword_is_found(query):
    assert outbound_keyword(query) == "SERVICE"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s rdfs:label 'Secret Service' }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }  # SERVICE <x> {}",
    "PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:service ex:SERVICE }",
    'SELECT * WHERE { ?s ?p """a\nSERVICE <x> {}""" }',
    "SELECT * WHERE { ?s ?p 'it\\'s SERVICE' }",
])
def test_service_in_names_strings_and_comments_is_fine(query):
    assert outbound_keyword(query) is None


def test_load_counts_in_updates_only():
    assert outbound_keyword("LOAD <http://example.org/x.ttl>", update=True) == "LOAD"
    assert outbound_keyword("SELECT ?load WHERE { ?load ex:LOAD 'LOAD' }", update=True) is None
    assert outbound_keyword("SELECT * WHERE { ?s ?p ?o }", update=True) is None


def test_every_negotiated_format_is_one_the_workers_write():
    from kg.query.results import FORMATS

    assert {f.key for f in RESULTS} | {f.key for f in RDF} == set(FORMATS)
    assert all(not FORMATS[f.key].for_triples for f in RESULTS) and all(FORMATS[f.key].for_triples for f in RDF)


def test_identical_queries_in_flight_are_evaluated_once_and_kept(tmp_path):
    import threading
    import time

    from kg.serve.cache import AnswerCache
    from kg.serve.worker import Reply, text_reply

    cache, calls = AnswerCache(str(tmp_path)), []

    def slow() -> Reply:
        calls.append(1)
        time.sleep(0.3)
        return Reply(200, "text/csv", b"x\n1\n")

    replies = []
    threads = [threading.Thread(target=lambda: replies.append(cache.get("q", slow))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and len(replies) == 5 and {r.body for r in replies} == {b"x\n1\n"}
    assert cache.get("q", slow).body == b"x\n1\n" and len(calls) == 1
    timeouts = []
    for _ in range(2):                    # a time-out depends on the load: asked again, evaluated again
        cache.get("slow", lambda: timeouts.append(1) or text_reply(503, "time limit"))
    assert len(timeouts) == 2
    refusals = []
    for _ in range(2):                    # a refusal at the memory cap depends on the query: kept
        cache.get("huge", lambda: refusals.append(1) or text_reply(503, "memory", retire=True))
    assert len(refusals) == 1


def test_a_replaced_store_is_not_answered_from_the_old_ones_answers(tmp_path):
    from kg.serve.cache import AnswerCache
    from kg.serve.worker import Reply

    store = tmp_path / "store"
    store.mkdir()
    cache = AnswerCache(str(store))
    assert cache.get("q", lambda: Reply(200, body=b"old")).body == b"old"
    store.rename(tmp_path / "old")
    store.mkdir()                         # what a rebuild's swap does
    assert cache.get("q", lambda: Reply(200, body=b"new")).body == b"new"
