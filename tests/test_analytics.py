"""kg.analytics.projection and kg.analytics.network on the example build: the network, its stats, paths between actors."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDFS, URIRef

from kg.analytics.network import PathError, find_actor, shortest_path, stats
from kg.analytics.projection import (
    ENTITY,
    EVENT,
    GAZETTEER_EVIDENCE,
    ROLE_EDGES,
    project,
)
from kg.ontology import ontology_graph
from kg.query.sparql import run, table
from kg.vocab import KG_NS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"




@pytest.fixture(scope="module")
def graph(example_build) -> nx.MultiDiGraph:
    return project(example_build)


def _sparql_set(build_dir, query) -> set[str]:
    return {row[0] for row in table(run(build_dir, query)).rows}


def test_projection_nodes_are_the_typed_entities_and_events(example_build, graph):
    event_classes = {str(c).split("#")[1] for c in ontology_graph().transitive_subjects(
        RDFS.subClassOf, URIRef(KG_NS + "ReportedEvent"))} - {"ReportedEvent"}
    events = {n for n, d in graph.nodes(data=True) if d["kind"] == EVENT}
    typed = _sparql_set(example_build, "SELECT ?e ?c WHERE { ?e a ?c FILTER(STRSTARTS(STR(?c), STR(kg:))) }")
    assert events and events <= typed
    assert {graph.nodes[n]["class"] for n in events} <= event_classes
    labelled = _sparql_set(example_build, "SELECT ?e WHERE { GRAPH <https://w3id.org/newskg/graph/merged> "
                                          "{ ?e a ?c ; rdfs:label ?l } }")
    entities = {n for n, d in graph.nodes(data=True) if d["kind"] == ENTITY}
    assert labelled <= {n for n in graph}  # every merged entity is a node
    assert {graph.nodes[n]["type"] for n in entities} <= {"Person", "Organization", "Place", "Event", "Source"}
    for node in entities:
        data = graph.nodes[node]
        assert data["label"] and data["label"] not in data["aliases"]
        assert (data["lat"] is None) == (data["lon"] is None)
        assert data["mentions"] >= 1 or data["type"] == "Source"


def test_every_edge_carries_a_sentence_of_its_article(example_build, graph):
    sentences = _sparql_set(example_build, "SELECT ?t WHERE { ?s a nif:Sentence ; nif:anchorOf ?t }")
    relations = set(ROLE_EDGES.values()) | {"containedInPlace", "partOf", "ledBy", "membership"}
    # where a known place lies (Baghdad in Iraq) comes from the gazetteer, not from a sentence
    from_gazetteer = _sparql_set(example_build, """SELECT ?p WHERE { GRAPH <https://w3id.org/newskg/graph/merged>
        { ?p schema:containedInPlace ?c } }""")
    assert graph.number_of_edges() > 10
    for u, v, data in graph.edges(data=True):
        assert data["relation"] in relations
        if not data["article"] and u in from_gazetteer and data["relation"] == "containedInPlace":
            assert data["evidence"] == GAZETTEER_EVIDENCE
            continue
        assert data["evidence"] in sentences and data["article"], (u, v, data)
        if graph.nodes[u]["kind"] == EVENT:
            assert data["evidence"] == graph.nodes[u]["evidence"]
    assert any(d["relation"] == "membership" and d["label"] != "membership" for _, _, d in graph.edges(data=True))


def test_events_carry_codes_status_and_dates(graph):
    events = [d for _, d in graph.nodes(data=True) if d["kind"] == EVENT]
    assert all(d["status"] and d["evidence"] for d in events)
    # classes CAMEO has a code for carry it (a statement, an attack); others (a decision) carry none
    assert all(d["cameo"] for d in events if d["class"] in ("Statement", "Attack", "Withdrawal", "Meeting"))
    assert any(d["date"] for d in events) and any(d["plover"] for d in events)


def test_stats_counts_and_rankings(example_build, graph):
    result = stats(example_build, top=5, graph=graph)
    assert result == stats(example_build, top=5)  # deterministic, and the same from the folder
    assert result.nodes == graph.number_of_nodes() and result.edges == graph.number_of_edges()
    assert sum(result.entities_by_class.values()) == result.entities
    assert sum(result.events_by_type.values()) == result.events == sum(result.events_by_status.values())
    assert result.articles == 2
    for ranking in (result.top_pagerank, result.top_degree):
        assert 0 < len(ranking) <= 5
        scores = [r.score for r in ranking]
        assert scores == sorted(scores, reverse=True)
        assert all(graph.nodes[r.node]["kind"] == ENTITY for r in ranking)
    degree = nx.Graph(graph.to_undirected()).degree(result.top_degree[0].node)
    assert result.top_degree[0].score == degree
    members = [m for c in result.communities for m in c.members]
    assert result.communities and len(members) == len(set(members))


def test_path_between_two_leaders_goes_through_their_meeting(example_build, graph):
    steps = shortest_path(example_build, "Donald Trump", "ahmed AL-SHARAA", graph=graph)
    assert len(steps) == 1
    step = steps[0]
    assert step.kind == "event" and graph.nodes[step.via_id]["class"] == "Meeting"
    assert (step.source, step.target) == ("Donald Trump", "Ahmed al-Sharaa")
    assert "Trump" in step.evidence and "Sharaa" in step.evidence
    assert step.article == graph.nodes[step.via_id]["article"] and step.evidence == graph.nodes[step.via_id]["evidence"]
    assert shortest_path(example_build, "Trump", "Sharaa") == steps  # one word of a name, an alias


def test_paths_chain_steps_end_to_end(graph):
    people = sorted(n for n, d in graph.nodes(data=True) if d["type"] == "Person")
    connected = [(a, b) for a in people for b in people if a < b and nx.has_path(graph.to_undirected(), a, b)]
    assert connected
    for a, b in connected:
        steps = shortest_path(None, a, b, graph=graph)
        assert steps[0].source_id == a and steps[-1].target_id == b
        assert all(x.target_id == y.source_id for x, y in zip(steps, steps[1:]))
        assert all(s.evidence and (s.article or s.evidence == GAZETTEER_EVIDENCE) for s in steps)


def test_unknown_names_fail_clearly(example_build, graph):
    with pytest.raises(PathError, match="no entity named 'Zyxwv Qqq'"):
        shortest_path(example_build, "Zyxwv Qqq", "Donald Trump", graph=graph)
    with pytest.raises(PathError, match="Did you mean: Donald Trump"):
        find_actor(graph, "Donald Trumb")


def _synthetic() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for node, label, cls, aliases in (("c1", "Washington", "City", []), ("c2", "Washington", "AdministrativeRegion", []),
                                      ("p1", "Jane Roe", "Person", ["J. Roe"]), ("p2", "John Doe", "Person", [])):
        g.add_node(node, kind=ENTITY, label=label, aliases=aliases, type="Place", **{"class": cls})
    return g


def test_ambiguous_and_disconnected_names_fail_clearly():
    g = _synthetic()
    with pytest.raises(PathError, match="'washington' is ambiguous") as err:
        find_actor(g, "washington")
    assert len(err.value.candidates) == 2 and "AdministrativeRegion" in str(err.value)
    assert find_actor(g, "c2") == "c2" and find_actor(g, "j. roe") == "p1"
    with pytest.raises(PathError, match="not connected"):
        shortest_path(None, "Jane Roe", "John Doe", graph=g)
