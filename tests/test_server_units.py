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
