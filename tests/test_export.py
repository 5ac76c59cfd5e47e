"""kg.exchange.export: every RDF format re-parses to the build; networks and the event table read back."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.analytics.projection import EVENT, project
from kg.exchange.export import (
    CSV_COLUMNS,
    ExportError,
    date_span,
    event_rows,
    events_csv,
    export,
    flat_network,
    network_bytes,
)
from kg.store.dataset import GRAPH_TRIG, NotABuild, load_dataset

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
TRIPLE_FORMATS = {"ttl": ("turtle", ox.RdfFormat.TURTLE), "nt": ("nt", ox.RdfFormat.N_TRIPLES),
                  "rdfxml": ("xml", ox.RdfFormat.RDF_XML)}
QUAD_FORMATS = {"trig": ("trig", ox.RdfFormat.TRIG), "nq": ("nquads", ox.RdfFormat.N_QUADS),
                "jsonld": ("json-ld", ox.RdfFormat.JSON_LD)}




@pytest.fixture(scope="module")
def reference(example_build) -> Dataset:
    return load_dataset(example_build)


@pytest.fixture(scope="module")
def reference_quads(example_build) -> set[ox.Quad]:
    return set(ox.parse(path=str(example_build / GRAPH_TRIG), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def projection(example_build):
    return project(example_build)


def _union(ds: Dataset) -> Graph:
    flat = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        flat.add((s, p, o))
    return flat


def _named(ds: Dataset) -> dict:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.mark.parametrize("fmt", sorted(TRIPLE_FORMATS))
def test_triple_format_reparses_to_the_union_of_graphs(example_build, reference, reference_quads, fmt):
    data = export(example_build, fmt)
    rdflib_name, ox_format = TRIPLE_FORMATS[fmt]
    union = _union(reference)
    assert isomorphic(Graph().parse(data=data, format=rdflib_name), union)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox_format)}
    assert triples == {ox.Triple(q.subject, q.predicate, q.object) for q in reference_quads}
    assert len(triples) == len(union)  # deduplicated: a triple stated in two graphs appears once


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_quad_format_keeps_every_named_graph(example_build, reference, reference_quads, fmt):
    data = export(example_build, fmt)
    rdflib_name, ox_format = QUAD_FORMATS[fmt]
    parsed = Dataset()
    parsed.parse(data=data, format=rdflib_name)
    expected, got = _named(reference), _named(parsed)
    assert sorted(got) == sorted(expected) and len(expected) >= 3  # merged + one per article
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name
    assert set(ox.parse(data, format=ox_format)) == reference_quads


def test_exports_are_deterministic_and_written_atomically(example_build, tmp_path):
    for fmt in ("ttl", "jsonld", "gexf", "graphml", "csv"):
        first = export(example_build, fmt)
        assert export(example_build, fmt) == first, fmt
        target = tmp_path / f"out.{fmt}"
        target.write_text("old")
        assert export(example_build, fmt, target) is None
        assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"out.{f}" for f in
                                                               ("ttl", "jsonld", "gexf", "graphml", "csv"))


@pytest.mark.parametrize("keep", ["store", GRAPH_TRIG])
def test_rdf_exports_fall_back_when_graph_files_are_missing(example_build, reference_quads, tmp_path, keep):
    partial = tmp_path / "partial"
    partial.mkdir()
    source = example_build / keep
    (shutil.copytree if source.is_dir() else shutil.copy)(source, partial / keep)
    assert set(ox.parse(export(partial, "nq"), format=ox.RdfFormat.N_QUADS)) == reference_quads
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(export(partial, "nt"),
                                                                             format=ox.RdfFormat.N_TRIPLES)]
    assert len(triples) == len(set(triples)) == len({(q.subject, q.predicate, q.object) for q in reference_quads})


def test_bad_requests_fail_clearly(example_build, tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'xls'"):
        export(example_build, "xls")
    with pytest.raises(NotABuild, match="not a newskg build"):
        export(tmp_path, "ttl")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export(example_build, "nt", tmp_path / "missing" / "out.nt")


def test_graphml_reads_back_with_the_same_counts(example_build, projection):
    back = nx.read_graphml(io.BytesIO(export(example_build, "graphml")), force_multigraph=True)
    assert back.number_of_nodes() == projection.number_of_nodes()
    assert back.number_of_edges() == projection.number_of_edges()
    for node, data in projection.nodes(data=True):
        assert back.nodes[node]["label"] == data["label"]
        if data.get("aliases"):
            assert back.nodes[node]["aliases"].split("|") == data["aliases"]
    assert all(isinstance(v, (str, int, float, bool)) for _, d in back.nodes(data=True) for v in d.values())


def test_gexf_reads_back_with_a_timeline(example_build, projection):
    data = export(example_build, "gexf")
    assert b'timeformat="date"' in data and b'mode="dynamic"' in data
    back = nx.read_gexf(io.BytesIO(data))
    assert back.number_of_nodes() == projection.number_of_nodes()
    assert back.number_of_edges() == projection.number_of_edges()
    dated = [n for n, d in projection.nodes(data=True) if d["kind"] == EVENT and d.get("date")]
    assert dated, "the example corpus has dated events"
    for node in dated:
        start, end = date_span(projection.nodes[node]["date"])
        assert (back.nodes[node]["start"], back.nodes[node]["end"]) == (start, end)
    undated = [n for n, d in projection.nodes(data=True) if not d.get("date")]
    assert all("start" not in back.nodes[n] for n in undated)


@pytest.mark.parametrize("value, span", [
    ("2014", ("2014-01-01", "2014-12-31")), ("2024-02", ("2024-02-01", "2024-02-29")),
    ("2020-01-05", ("2020-01-05", "2020-01-05")), ("2020-01-05T10:00:00Z", ("2020-01-05", "2020-01-05")),
    ("2020-13", None), ("last year", None), (None, None)])
def test_date_span_covers_the_period_a_timestamp_names(value, span):
    assert date_span(value) == span


def test_csv_has_one_row_per_event_and_reads_back(example_build, projection):
    text = export(example_build, "csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    events = {n: d for n, d in projection.nodes(data=True) if d["kind"] == EVENT}
    assert {r["event_id"] for r in rows} == set(events) and len(rows) == len(events)
    for row in rows:
        node = events[row["event_id"]]
        # a cell that could start a spreadsheet formula ('- Coordination ...') is quoted with "'"
        evidence = "'" + node["evidence"] if node["evidence"][:1] in ("=", "+", "-", "@") else node["evidence"]
        assert row["event_type"] == node["class"] and row["evidence"] == evidence
        assert row["cameo_code"] == (node["cameo"] or "") and row["status"] == node["status"]
    meeting = next(r for r in rows if r["event_type"] == "Meeting")
    assert meeting["plover"] == "CONSULT" and meeting["actor1"] and meeting["actor2"]
    assert meeting["actor1"].split()[-1] in meeting["evidence"]
    located = [r for r in rows if r["latitude"]]
    assert located and all(-90 <= float(r["latitude"]) <= 90 and -180 <= float(r["longitude"]) <= 180
                           for r in located)


def _tiny_graph(evidence: str, actor: str) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("e1", kind="event", **{"class": "Attack"}, type="Event", label="Attack", date="2021-03",
               status="Happened", confidence=0.7, cameo="19", plover="ASSAULT", evidence=evidence,
               article="a1", source_url="https://example.org/a1", aliases=[], articles=["a1"])
    g.add_node("x", kind="entity", **{"class": "ArmedGroup"}, type="Organization", label=actor,
               aliases=["one", "two"], lat=None, lon=None, articles=["a1"])
    g.add_edge("e1", "x", key="agent@a1", relation="agent", label="agent", evidence=evidence, article="a1",
               confidence=0.7, date="2021-03", position=0)
    return g


def test_csv_quotes_untrusted_text_and_defuses_formulas():
    evidence = 'He said "no, never",\nthen left; 100% sure'
    rows = list(csv.DictReader(io.StringIO(events_csv(_tiny_graph(evidence, "=HYPERLINK(1)")).decode(),
                                           newline="")))
    assert rows[0]["evidence"] == evidence
    assert rows[0]["actor1"] == "'=HYPERLINK(1)" and event_rows(_tiny_graph("x", "Hamas"))[0]["actor1"] == "Hamas"


def test_network_attributes_are_scalars_and_dates_become_spells():
    flat = flat_network(_tiny_graph("s", "Group"), dynamic=True)
    assert flat.nodes["x"]["aliases"] == "one|two" and "lat" not in flat.nodes["x"]
    assert (flat.nodes["e1"]["start"], flat.nodes["e1"]["end"]) == ("2021-03-01", "2021-03-31")
    assert flat.edges["e1", "x", "agent@a1"]["start"] == "2021-03-01"
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        back = read(io.BytesIO(network_bytes(_tiny_graph("<b>&</b>\x0b", "G"), fmt)))
        assert back.nodes["e1"]["evidence"] == "<b>&</b>\ufffd"  # escaped out, intact in; no invalid XML
