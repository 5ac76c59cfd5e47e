"""End to end: the example corpus through `kg.build`, checked the way a user would check it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.build import NothingToBuild, build
from kg.query.sparql import run, table
from kg.store.dataset import GRAPH_TRIG, GRAPH_TTL, load_dataset

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"




def rows(build_dir, query):
    return table(run(build_dir, query)).rows


def test_build_writes_every_output(example_build):
    for name in ("graph.ttl", "graph.trig", "explorer.html", "report.json", "store"):
        assert (example_build / name).exists(), name
    report = json.loads((example_build / "report.json").read_text())
    assert {a["id"] for a in report["articles"]} == {"pentagon-iraq-drawdown", "us-troop-reduction-iraq"}
    assert report["errors"] == [] and report["counts"]["entities"] > 10
    assert any("acronym defined" in step["reason"] for step in report["merge_log"])


def test_graph_files_parse_with_rdflib_and_pyoxigraph(example_build):
    g = Graph().parse(example_build / GRAPH_TTL, format="turtle")
    ds = Dataset().parse(example_build / GRAPH_TRIG, format="trig")
    assert len(g) > 500
    ox_triples = list(ox.parse(path=str(example_build / GRAPH_TTL), format=ox.RdfFormat.TURTLE))
    ox_quads = list(ox.parse(path=str(example_build / GRAPH_TRIG), format=ox.RdfFormat.TRIG))
    assert len(ox_triples) == len(g)
    graphs = {str(q.graph_name.value) for q in ox_quads}
    assert "https://w3id.org/newskg/graph/merged" in graphs and len(graphs) == 3
    assert len({(s, p, o) for s, p, o, _ in ds.quads()}) == len(g)


def test_mention_offsets_slice_the_article_text(example_build):
    found = rows(example_build, """
        SELECT ?text ?b ?e ?anchor WHERE {
          ?m nif:referenceContext ?doc ; nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?anchor .
          ?doc nif:isString ?text }""")
    assert len(found) > 100
    for text, b, e, anchor in found:
        assert text[int(b):int(e)] == anchor


def test_multi_form_entities_are_one_node(example_build):
    def node_of(form):
        hits = rows(example_build, f"""SELECT DISTINCT ?e WHERE {{
            {{ ?e rdfs:label ?l }} UNION {{ ?e skos:altLabel ?l }} FILTER(STR(?l) = "{form}") }}""")
        assert len(hits) == 1, (form, hits)
        return hits[0][0]

    assert node_of("CENTCOM") == node_of("US Central Command")
    assert len({node_of(f) for f in ("ISIS", "ISIL", "IS", "Daesh", "Islamic State")}) == 1
    assert node_of("Sharaa") == node_of("Ahmed al-Sharaa")
    assert node_of("ISF") == node_of("Iraqi Security Forces")


def test_types_titles_and_headings(example_build):
    people = {r[0] for r in rows(example_build, "SELECT ?n WHERE { ?p a kg:Person ; rdfs:label ?n }")}
    assert {"Kenneth F. McKenzie Jr.", "Mustafa al-Kadhimi", "Donald Trump"} <= people
    assert not any(n.startswith(("General", "President", "Prime Minister")) for n in people)
    kinds = dict(rows(example_build, "SELECT ?n ?k WHERE { ?e rdfs:label ?n ; a ?k } "))
    assert kinds["Ain al-Asad Air Base"] == "kg:MilitaryBase"
    assert kinds["Erbil"] == "kg:City" and kinds["Islamic State"] == "kg:ArmedGroup"
    labels = {r[0] for r in rows(example_build, "SELECT ?l WHERE { ?e gaf:denotedBy ?m . ?m nif:anchorOf ?l }")}
    assert "National Sovereignty" not in labels and "Leave a comment" not in labels


def test_events_quantities_and_roles_are_in_the_graph(example_build):
    meetings = rows(example_build, """SELECT ?place WHERE {
        ?ev a kg:Meeting ; kg:hasAgent/rdfs:label "Donald Trump" ; sem:hasPlace/rdfs:label ?place }""")
    assert ("Riyadh",) in meetings
    values = {r[0] for r in rows(example_build, "SELECT ?v WHERE { ?q a schema:QuantitativeValue ; schema:value ?v }")}
    assert {"2500", "3000", "2000", "900"} <= values
    posts = rows(example_build, """SELECT ?role WHERE {
        ?m org:member/rdfs:label "Mustafa al-Kadhimi" ; org:role/rdfs:label ?role }""")
    assert ("Prime Minister",) in posts


def test_same_input_gives_byte_identical_graph(example_build, tmp_path):
    build([CORPUS], tmp_path, explorer=False)
    assert (tmp_path / GRAPH_TTL).read_bytes() == (example_build / GRAPH_TTL).read_bytes()
    assert (tmp_path / GRAPH_TRIG).read_bytes() == (example_build / GRAPH_TRIG).read_bytes()


def test_bad_inputs_are_reported_and_the_rest_is_built(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CORPUS / "pentagon-iraq-drawdown.txt", inputs)
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (inputs / "latin1.txt").write_bytes("Caf\xe9 in Baghdad".encode("latin-1"))
    (inputs / "records.jsonl").write_text('{"id": "ok", "text": "Troops left Erbil on Monday."}\n{not json}\n')
    result = build([inputs], tmp_path / "out", explorer=False)
    assert set(result.documents) == {"pentagon-iraq-drawdown", "ok"}
    sources = " ".join(e.source for e in result.errors)
    assert all(name in sources for name in ("empty.txt", "binary.txt", "latin1.txt", "records.jsonl:2"))
    assert not result.ok


def test_nothing_to_build_leaves_an_existing_build_alone(example_build, tmp_path):
    shutil.copytree(example_build, tmp_path / "b")
    before = (tmp_path / "b" / GRAPH_TTL).read_bytes()
    (tmp_path / "empty.txt").write_text("   ")
    with pytest.raises(NothingToBuild):
        build([tmp_path / "empty.txt"], tmp_path / "b")
    assert (tmp_path / "b" / GRAPH_TTL).read_bytes() == before


def test_hostile_text_gives_valid_turtle_and_escaped_html(tmp_path):
    hostile = ('President Jo "Bobby" <script>alert(1)</script> Smith met with Ahmed al-Sharaa in Riyadh.\n'
               'General Ann <img src=x onerror=alert(2)> Lee 🚀 said "</script><b>x</b>" on Tuesday.\n')
    records = [{"id": "evil <doc> \"1\"", "text": hostile, "url": "https://example.org/a?q=<b>\"x\""},
               {"id": "js", "text": "Troops left.", "url": "javascript:alert(3)"}]
    (tmp_path / "evil.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = build([tmp_path / "evil.jsonl"], tmp_path / "out")
    assert [e.source for e in result.errors] == [f"{tmp_path / 'evil.jsonl'}:2"]
    ttl = (tmp_path / "out" / GRAPH_TTL).read_text()
    g = Graph().parse(data=ttl, format="turtle")
    texts = {str(o) for o in g.objects()}
    # the article text survives exactly, markup, quotes, newlines and emoji included
    assert any(hostile.strip() == t.strip() for t in texts)
    html = (tmp_path / "out" / "explorer.html").read_text()
    assert "<script>alert" not in html and "<img src=x" not in html and "javascript:alert" not in html
    assert load_dataset(tmp_path / "out") is not None and result.documents


def test_two_processes_give_the_same_graph_as_one(example_build, tmp_path):
    build([CORPUS], tmp_path, jobs=2, explorer=False)
    assert (tmp_path / GRAPH_TTL).read_bytes() == (example_build / GRAPH_TTL).read_bytes()


def test_incremental_build_adds_replaces_and_removes_articles(tmp_path):
    from kg.build import remove

    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    shutil.copy(CORPUS / "pentagon-iraq-drawdown.txt", one)
    shutil.copy(CORPUS / "us-troop-reduction-iraq.txt", two)
    out = tmp_path / "out"
    first = build([one], out, explorer=False, jobs=1)
    iraq = rows(out, 'SELECT ?e WHERE { ?e rdfs:label "Iraq" }')
    added = build([two], out, into=True, explorer=False, jobs=1)
    assert added.documents == ["us-troop-reduction-iraq"]
    assert rows(out, 'SELECT ?e WHERE { ?e rdfs:label "Iraq" }') == iraq  # stable IRI, one node
    full = (out / GRAPH_TTL).read_bytes()
    again = build([one, two], out, into=True, explorer=False, jobs=1)
    assert again.documents == [] and (out / GRAPH_TTL).read_bytes() == full  # nothing changed
    fresh = tmp_path / "fresh"
    build([one, two], fresh, explorer=False, jobs=1)
    assert (fresh / GRAPH_TTL).read_bytes() == full  # same as building both at once
    # a changed article replaces its old named graph
    (one / "pentagon-iraq-drawdown.txt").write_text("Troops left Erbil on Monday, the Pentagon said.")
    build([one], out, into=True, explorer=False, jobs=1)
    texts = {r[0] for r in rows(out, "SELECT ?t WHERE { ?d nif:isString ?t }")}
    assert "Troops left Erbil on Monday, the Pentagon said." in texts and len(texts) == 2
    remove(out, ["pentagon-iraq-drawdown"], explorer=False)
    assert rows(out, 'SELECT ?e WHERE { ?e rdfs:label "Erbil" }') == ()
    assert len({r[0] for r in rows(out, "SELECT ?t WHERE { ?d nif:isString ?t }")}) == 1
    assert first.documents == ["pentagon-iraq-drawdown"]


def test_example_build_conforms_to_the_shapes(example_build):
    from kg.rdf.validate import validate

    report = validate(load_dataset(example_build))
    assert report.conforms, report.text()


def test_store_and_graph_files_hold_the_same_quads(example_build):
    """The files are written while mapping and the store is loaded apart: they must agree. The
    store's named graphs are graph.trig, its default graph graph.ttl (the union, each triple once)."""
    store = ox.Store.read_only(str(example_build / "store"))
    in_store = {q for q in store if isinstance(q.graph_name, ox.NamedNode)}
    assert set(ox.parse(path=str(example_build / GRAPH_TRIG), format=ox.RdfFormat.TRIG)) == in_store
    union = {q.triple for q in in_store}
    in_ttl = [q.triple for q in ox.parse(path=str(example_build / GRAPH_TTL), format=ox.RdfFormat.TURTLE)]
    assert len(in_ttl) == len(set(in_ttl)) and set(in_ttl) == union  # each triple once
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert default == union
    counts = json.loads((example_build / "report.json").read_text())["counts"]
    assert counts["graphs"] == len(list(store.named_graphs()))  # the merged graph comes in 2 blocks
    assert (counts["quads"], counts["triples"]) == (len(in_store), len(union))


def test_typed_literals_are_written_as_the_store_keeps_them():
    from kg.rdf.mapping import date_literal, decimal

    assert [decimal(v).value for v in (0.8, 2.0, 2.5)] == ["0.8", "2", "2.5"]
    assert decimal(0.8, places=2).value == "0.8"
    assert date_literal("2024-01-05T10:00:00.500+00:00").value == "2024-01-05T10:00:00.5Z"
    assert date_literal("2024-01-05T10:00:00-0100").datatype.value.endswith("#string")  # not valid xsd
