"""The explorer's readable labels, claims table, map and notebook view, from hand-built graphs."""

from __future__ import annotations

from rdflib.namespace import RDF

from kg.rdf import iris
from kg.vocab import KG, SEM
from tests.test_explorer import DOC, Builder, by_label, edge_set, write


def test_event_labels_name_each_role_once_with_fitting_prepositions(tmp_path):
    b = Builder()
    b.sentence(1, "The United States withdrew its troops from Iraq.")
    us = b.entity("country/us", KG.Country, "United States")
    iraq = b.entity("country/iq", KG.Country, "Iraq")
    ev = iris.event(DOC, 1018, 1026)
    for p, o in ((RDF.type, KG.Withdrawal), (KG.hasAgent, us), (KG.hasPatient, us), (SEM.hasPlace, iraq),
                 (SEM.hasPlace, us), (KG.status, KG.Planned)):
        b.article.add((ev, p, o))
    b.mention(ev, 1, "withdrew")
    _, _, payload = write(tmp_path, b.ds)
    assert "Withdrawal by United States from Iraq (planned)" in by_label(payload)


def test_statements_show_speaker_and_gist_with_one_link_to_the_speaker(tmp_path):
    b = Builder()
    b.sentence(1, "General Smith said that the base will close before the winter.")
    b.sentence(2, "General Smith said it again.")
    smith = b.entity("person/smith", KG.Person, "General Smith")
    for no, word in ((1, "said"), (2, "said")):
        ev = iris.event(DOC, no * 1000 + b.sentences[no].index(word), no * 1000 + b.sentences[no].index(word) + 4)
        for p, o in ((RDF.type, KG.Statement), (KG.hasSpeaker, smith), (KG.hasAgent, smith)):
            b.article.add((ev, p, o))
        b.mention(ev, no, word)
    b.mention(smith, 1, "General Smith")
    _, _, payload = write(tmp_path, b.ds)
    labels = sorted(n["label"] for n in payload["nodes"] if n["kind"] == "Event")
    assert labels[0] == "General Smith: \u201cthe base will close before the winter\u201d"
    assert len(set(labels)) == len(labels) == 2  # the other one is told apart, not a duplicate
    assert {x[1] for x in edge_set(payload)} == {"speaker"}  # not 'agent' and 'speaker' twice


def test_to_pyvis_gives_the_explorers_nodes_laid_out_with_escaped_titles(example_build):
    from kg.explorer.notebook import to_pyvis
    from kg.explorer.page import read_payload

    payload = read_payload((example_build / "explorer.html").read_text(encoding="utf-8"))
    net = to_pyvis(example_build)
    assert sorted(n["label"] for n in net.nodes) == sorted(n["label"] for n in payload["nodes"])
    assert len(net.edges) == len(payload["edges"])
    assert all(n["physics"] is False and isinstance(n["x"], int) for n in net.nodes)
    assert len({(n["x"], n["y"]) for n in net.nodes}) == len(net.nodes)  # a layout, not a pile
    ego = to_pyvis(example_build, focus="al-Sharaa", depth=1)
    assert "Ahmed al-Sharaa" in {n["label"] for n in ego.nodes} and len(ego.nodes) < len(net.nodes)


def test_pyvis_titles_are_escaped():
    from kg.explorer.notebook import _title

    title = _title({"label": "<img src=x onerror=alert(1)>", "kind": "Person", "mentions": 1, "aliases": ["a&b"]},
                   {"Person": {"label": "Person"}})
    assert "<" not in title and "&lt;img src=x" in title and "a&amp;b" in title
