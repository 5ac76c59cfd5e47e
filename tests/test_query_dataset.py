"""Query results are distinct where users expect them: the default graph is the union of the
build's graphs as a set (each triple once), and a role has one label whatever its case."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query.sparql import run, table
from kg.rdf.roles import role_label
from kg.records import slug
from kg.store.layout import default_dataset, named_quads, open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = re.findall(r"```sparql\n(.*?)```", (ROOT / "ontology" / "README.md").read_text("utf-8"), flags=re.S)
A, P, B = (ox.NamedNode(f"http://example.org/{n}") for n in "apb")
GRAPHS = [ox.NamedNode(f"http://example.org/graph/{i}") for i in range(3)]


@pytest.mark.parametrize("number", range(len(EXAMPLES)), ids=lambda n: f"query{n + 1}")
def test_documented_queries_give_each_answer_once(example_build, number):
    """Over Oxigraph's union of named graphs (a bag), query 8 gave 9 rows for 7 answers here, and
    2,943,856 rows for 791 answers on 300 generated articles."""
    rows = table(run(example_build, EXAMPLES[number])).rows
    assert len(rows) == len(set(rows))


def test_a_triple_stated_by_several_graphs_matches_once(example_build):
    shared = ("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } GRAPH ?h { ?s ?p ?o } "
              "FILTER(STR(?g) < STR(?h)) }")
    assert table(run(example_build, shared)).rows            # such triples exist (a post, a place)
    repeated = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } GROUP BY ?s ?p ?o HAVING (COUNT(*) > 1)"
    assert table(run(example_build, repeated)).rows == ()


def _store(with_default: bool) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(A, P, B, g) for g in GRAPHS)
    if with_default:
        store.add(ox.Quad(A, P, B))
    return store


def test_the_stored_union_is_read_and_older_stores_fall_back_to_oxigraphs_union():
    stored, older = _store(True), _store(False)
    assert default_dataset(stored) == {} and default_dataset(older) == {"use_default_graph_as_union": True}
    assert len(list(stored.query("SELECT * WHERE { ?s ?p ?o }", **default_dataset(stored)))) == 1
    assert len(list(older.query("SELECT * WHERE { ?s ?p ?o }", **default_dataset(older)))) == len(GRAPHS)
    assert sorted(str(q.graph_name) for q in named_quads(stored)) == sorted(map(str, GRAPHS))


def test_a_build_without_its_store_gets_the_same_default_graph(example_build, tmp_path):
    copy = tmp_path / "build"
    copy.mkdir()
    for name in ("graph.trig", "graph.ttl"):
        (copy / name).write_bytes((example_build / name).read_bytes())
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert table(run(copy, count)).rows == table(run(example_build, count)).rows
    (copy / "graph.ttl").unlink()                       # computed from graph.trig then
    assert table(run(copy, count)).rows == table(run(example_build, count)).rows
    assert isinstance(open_store(copy), ox.Store)


@pytest.mark.parametrize("variants,label", [
    (["President", "PRESIDENT", "president"], "President"),
    (["prime minister", "Prime Minister", "PRIME MINISTER"], "Prime Minister"),
    (["intelligence chief", "Intelligence chief", "INTELLIGENCE CHIEF"], "Intelligence Chief"),
    (["head of state", "HEAD OF STATE"], "Head of State"),
    (["ceo", "CEO"], "CEO"),
    (["Secretary General", "secretary-general"], "Secretary General"),
])
def test_titles_that_differ_in_case_give_one_role_label(variants, label):
    assert {slug(v) for v in variants} == {slug(label)}      # one role node (kg.rdf.iris.role)...
    assert {role_label(v) for v in variants} == {label}       # ...with one label


def test_every_role_of_the_example_build_has_one_label(example_build):
    query = ("SELECT ?role (COUNT(DISTINCT ?label) AS ?n) WHERE { ?role a org:Role ; rdfs:label ?label } "
             "GROUP BY ?role")
    counts = [int(n) for _, n in table(run(example_build, query)).rows]
    assert counts and set(counts) == {1}
