"""The shapes accept a graph built to the contract and name what is wrong in broken ones."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, OWL, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery

from kg.ontology import ontology_graph, shapes_graph
from kg.rdf import iris
from kg.rdf.validate import (
    ValidationReport,
    Violation,
    check_anchors,
    union_graph,
    validate,
)
from kg.vocab import GAF, KG, NIF, PROV, SCHEMA, SEM, sparql_prologue

DOC = "iraq-2020"
SENTENCES = (
    "The United States withdrew 2,500 troops from Iraq in January 2020.",
    "Prime Minister Mohammed Shia al-Sudani met Joe Biden in Washington.",
    'A senior defense official said the rest would leave "within weeks".',
)
TEXT = " ".join(SENTENCES)
KGSH = "https://w3id.org/newskg/shapes#"


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def _span(g: Graph, begin: int, end: int, kind: URIRef, sentence: URIRef | None = None) -> URIRef:
    node = iris.span(DOC, begin, end)
    g.add((node, RDF.type, kind))
    g.add((node, RDF.type, NIF.OffsetBasedString))
    g.add((node, NIF.beginIndex, _int(begin)))
    g.add((node, NIF.endIndex, _int(end)))
    g.add((node, NIF.anchorOf, Literal(TEXT[begin:end])))
    g.add((node, NIF.referenceContext, iris.document(DOC)))
    if sentence is not None:
        g.add((node, NIF.sentence, sentence))
        g.add((node, KG.extractedBy, Literal("ner")))
    return node


def _mention(g: Graph, surface: str, sentence: URIRef, after: int = 0) -> URIRef:
    begin = TEXT.index(surface, after)
    return _span(g, begin, begin + len(surface), NIF.Phrase, sentence)


def build_dataset() -> Dataset:
    """One article graph and the merged graph, as the contract describes them."""
    ds = Dataset()
    art = ds.graph(iris.doc_graph(DOC))
    merged = ds.graph(iris.MERGED_GRAPH)
    doc = iris.document(DOC)
    art.add((doc, RDF.type, SCHEMA.NewsArticle))
    art.add((doc, RDF.type, NIF.Context))
    art.add((doc, SCHEMA.identifier, Literal(DOC)))
    art.add((doc, NIF.isString, Literal(TEXT)))
    art.add((doc, SCHEMA.headline, Literal("Troops leave Iraq")))
    art.add((doc, SCHEMA.datePublished, Literal("2020-01-31", datatype=XSD.date)))
    art.add((doc, PROV.wasDerivedFrom, iris.source("examples/corpus/x.txt")))

    s1, s2, s3 = (_span(art, TEXT.index(s), TEXT.index(s) + len(s), NIF.Sentence) for s in SENTENCES)

    entities = {
        "country/us": (KG.Country, "United States", "United States", s1),
        "country/iq": (KG.Country, "Iraq", "Iraq", s1),
        "person/mohammed-shia-al-sudani": (KG.Person, "Mohammed Shia al-Sudani", "Mohammed Shia al-Sudani", s2),
        "person/joe-biden": (KG.Person, "Joe Biden", "Joe Biden", s2),
        "city/washington": (KG.City, "Washington", "Washington", s2),
    }
    nodes = {}
    for key, (cls, label, surface, sentence) in entities.items():
        node = iris.entity(key)
        nodes[key] = node
        merged.add((node, RDF.type, cls))
        merged.add((node, RDFS.label, Literal(label)))
        art.add((node, GAF.denotedBy, _mention(art, surface, sentence)))
    merged.add((nodes["city/washington"], SCHEMA.containedInPlace, nodes["country/us"]))

    withdrawal = URIRef(iris.BASE + "id/event/iraq-2020/withdrew")
    art.add((withdrawal, RDF.type, KG.Withdrawal))
    art.add((withdrawal, RDFS.label, Literal("United States withdraws troops from Iraq")))
    art.add((withdrawal, GAF.denotedBy, _mention(art, "withdrew", s1)))
    art.add((withdrawal, KG.confidence, Literal(Decimal("0.8"))))
    art.add((withdrawal, KG.status, KG.Happened))
    art.add((withdrawal, KG.hasAgent, nodes["country/us"]))
    art.add((withdrawal, SEM.hasPlace, nodes["country/iq"]))
    art.add((withdrawal, SEM.hasTimeStamp, Literal("2020-01", datatype=XSD.gYearMonth)))
    art.add((withdrawal, KG.timeText, Literal("January 2020")))
    troops = URIRef(iris.BASE + "id/quantity/iraq-2020/27-39")
    art.add((withdrawal, KG.hasQuantity, troops))
    art.add((troops, RDF.type, SCHEMA.QuantitativeValue))
    art.add((troops, GAF.denotedBy, _mention(art, "2,500 troops", s1)))
    art.add((troops, SCHEMA.value, Literal(2500)))
    art.add((troops, SCHEMA.unitText, Literal("troops")))
    art.add((troops, KG.countsActor, nodes["country/us"]))
    art.add((troops, SEM.hasPlace, nodes["country/iq"]))
    art.add((troops, SEM.hasTimeStamp, Literal("2020-01", datatype=XSD.gYearMonth)))
    before = BNode()  # the value before the change, as a blank node here to test their naming
    art.add((troops, KG.fromQuantity, before))
    art.add((before, RDF.type, SCHEMA.QuantitativeValue))
    art.add((before, SCHEMA.value, Literal(5200)))
    art.add((before, SCHEMA.unitText, Literal("troops")))
    art.add((before, KG.qualifier, Literal("approximately")))

    meeting = URIRef(iris.BASE + "id/event/iraq-2020/met")
    art.add((meeting, RDF.type, KG.Meeting))
    art.add((meeting, RDFS.label, Literal("Mohammed Shia al-Sudani meets Joe Biden")))
    art.add((meeting, GAF.denotedBy, _mention(art, "met", s2)))
    art.add((meeting, KG.confidence, Literal(Decimal("0.7"))))
    art.add((meeting, KG.status, KG.Happened))
    art.add((meeting, KG.hasAgent, nodes["person/mohammed-shia-al-sudani"]))
    art.add((meeting, KG.hasRecipient, nodes["person/joe-biden"]))
    art.add((meeting, SEM.hasPlace, nodes["city/washington"]))

    source = URIRef(iris.BASE + "id/source/iraq-2020/senior-official")
    art.add((source, RDF.type, KG.UnnamedSource))
    art.add((source, RDFS.label, Literal("A senior defense official")))
    art.add((source, GAF.denotedBy, _mention(art, "A senior defense official", s3)))
    statement = URIRef(iris.BASE + "id/event/iraq-2020/said")
    art.add((statement, RDF.type, KG.Statement))
    art.add((statement, RDFS.label, Literal("Statement by a senior defense official")))
    art.add((statement, GAF.denotedBy, _mention(art, "said", s3)))
    art.add((statement, KG.confidence, Literal(Decimal("0.6"))))
    art.add((statement, KG.status, KG.Reported))
    art.add((statement, KG.hasSpeaker, source))
    art.add((statement, KG.hasAgent, source))
    art.add((statement, KG.quotation, Literal("within weeks")))

    post = URIRef(iris.BASE + "id/membership/sudani-prime-minister")
    role = URIRef(iris.BASE + "id/role/prime-minister")
    art.add((post, RDF.type, ORG.Membership))
    art.add((post, ORG.member, nodes["person/mohammed-shia-al-sudani"]))
    art.add((post, ORG.role, role))
    art.add((post, GAF.denotedBy, s2))
    art.add((post, KG.confidence, Literal(Decimal("0.9"))))
    merged.add((role, RDF.type, ORG.Role))
    merged.add((role, RDFS.label, Literal("Prime Minister")))

    evidence = BNode()
    art.add((evidence, RDF.type, RDF.Statement))
    art.add((evidence, RDF.subject, nodes["city/washington"]))
    art.add((evidence, RDF.predicate, SCHEMA.containedInPlace))
    art.add((evidence, RDF.object, nodes["country/us"]))
    art.add((evidence, GAF.denotedBy, s2))
    art.add((evidence, KG.confidence, Literal(Decimal("0.6"))))

    # What the builder infers across articles carries its reason instead of a span.
    link = URIRef(iris.BASE + "id/link/withdrew-withdrew")
    merged.add((link, RDF.type, RDF.Statement))
    merged.add((link, RDF.subject, withdrawal))
    merged.add((link, RDF.predicate, OWL.sameAs))
    merged.add((link, RDF.object, withdrawal))
    merged.add((link, RDFS.comment, Literal("same withdrawal reported by two articles")))
    return ds


@pytest.fixture(scope="module")
def good() -> Dataset:
    return build_dataset()


@pytest.fixture(scope="module")
def good_report(good: Dataset) -> ValidationReport:
    return validate(good)


def _broken(change) -> Dataset:
    ds = build_dataset()
    change(ds.graph(iris.doc_graph(DOC)), ds.graph(iris.MERGED_GRAPH))
    return ds


def _hits(report: ValidationReport, focus_part: str, path: str) -> list[Violation]:
    return [v for v in report.violations if focus_part in v.focus and v.path == path and v.severity == "Violation"]


def test_conforming_dataset_passes(good_report: ValidationReport) -> None:
    assert good_report.conforms, good_report.text()
    assert good_report.violations == ()
    assert good_report.text().startswith("conforms: yes")


def test_validate_accepts_a_dataset_and_a_plain_graph(good: Dataset) -> None:
    union = union_graph(good)
    assert len(union) == len(list(good.quads((None, None, None, None))))
    assert validate(union).conforms


def test_missing_label_on_a_subclass_instance_is_reported() -> None:
    iraq = iris.entity("country/iq")
    report = validate(_broken(lambda art, merged: merged.remove((iraq, RDFS.label, None))))
    assert not report.conforms
    assert _hits(report, "id/country/iq", "rdfs:label")


def test_two_labels_and_an_empty_label_are_reported() -> None:
    biden, iraq = iris.entity("person/joe-biden"), iris.entity("country/iq")

    def change(art: Graph, merged: Graph) -> None:
        merged.add((biden, RDFS.label, Literal("Biden")))
        merged.set((iraq, RDFS.label, Literal("")))

    report = validate(_broken(change))
    assert _hits(report, "id/person/joe-biden", "rdfs:label")
    assert _hits(report, "id/country/iq", "rdfs:label")


def test_entity_without_mention_is_reported() -> None:
    biden = iris.entity("person/joe-biden")
    report = validate(_broken(lambda art, merged: art.remove((biden, GAF.denotedBy, None))))
    assert _hits(report, "id/person/joe-biden", "gaf:denotedBy")


def test_anchor_mismatch_is_reported() -> None:
    begin = TEXT.index("Iraq")
    mention = iris.span(DOC, begin, begin + 4)
    report = validate(_broken(lambda art, merged: art.set((mention, NIF.anchorOf, Literal("Iran")))))
    hits = _hits(report, f"#char={begin},{begin + 4}", "nif:anchorOf")
    assert len(hits) == 1 and "'Iran'" in hits[0].message and "'Iraq'" in hits[0].message


def test_offsets_outside_the_text_are_reported() -> None:
    begin = TEXT.index("Washington")
    mention = iris.span(DOC, begin, begin + 10)
    report = validate(_broken(lambda art, merged: art.set((mention, NIF.endIndex, _int(len(TEXT) + 5)))))
    assert any("outside the article text" in v.message for v in report.violations)


def test_begin_not_before_end_is_reported() -> None:
    begin = TEXT.index("Joe Biden")
    mention = iris.span(DOC, begin, begin + 9)
    report = validate(_broken(lambda art, merged: art.set((mention, NIF.beginIndex, _int(begin + 9)))))
    assert _hits(report, f"#char={begin},{begin + 9}", "nif:beginIndex")


def test_mention_needs_a_context_that_is_a_nif_context() -> None:
    begin = TEXT.index("Iraq")
    mention = iris.span(DOC, begin, begin + 4)
    report = validate(
        _broken(lambda art, merged: art.set((mention, NIF.referenceContext, URIRef("https://example.org/x"))))
    )
    assert _hits(report, f"#char={begin},{begin + 4}", "nif:referenceContext")


def test_offsets_may_be_xsd_integer_but_not_negative() -> None:
    """The mapper types offsets xsd:integer (Oxigraph's canonical form); a negative one is an error."""
    begin = TEXT.index("Iraq")
    mention = iris.span(DOC, begin, begin + 4)
    as_integer = validate(_broken(lambda art, merged: art.set((mention, NIF.beginIndex, Literal(begin)))))
    assert as_integer.conforms, as_integer.text()
    negative = validate(_broken(lambda art, merged: art.set((mention, NIF.beginIndex, Literal(-1)))))
    assert _hits(negative, f"#char={begin},{begin + 4}", "nif:beginIndex")
    as_string = validate(_broken(lambda art, merged: art.set((mention, NIF.beginIndex, Literal(str(begin))))))
    assert _hits(as_string, f"#char={begin},{begin + 4}", "nif:beginIndex")


def test_article_needs_identifier_and_text() -> None:
    doc = iris.document(DOC)

    def change(art: Graph, merged: Graph) -> None:
        art.remove((doc, SCHEMA.identifier, None))

    report = validate(_broken(change))
    assert _hits(report, "doc/iraq-2020", "schema:identifier")


def test_event_status_confidence_and_arguments_are_checked() -> None:
    withdrawal = URIRef(iris.BASE + "id/event/iraq-2020/withdrew")
    meeting = URIRef(iris.BASE + "id/event/iraq-2020/met")

    def change(art: Graph, merged: Graph) -> None:
        art.set((withdrawal, KG.status, SCHEMA.EventScheduled))  # not in kg:EventStatusScheme
        art.set((withdrawal, KG.confidence, Literal(Decimal("1.5"))))
        art.add((meeting, KG.hasAgent, Literal("Sudani")))

    report = validate(_broken(change))
    assert _hits(report, "event/iraq-2020/withdrew", "kg:status")
    assert _hits(report, "event/iraq-2020/withdrew", "kg:confidence")
    assert any("event/iraq-2020/met" in v.focus and "kg:hasAgent" in v.path for v in report.violations)


def test_event_without_status_is_reported() -> None:
    meeting = URIRef(iris.BASE + "id/event/iraq-2020/met")
    report = validate(_broken(lambda art, merged: art.remove((meeting, KG.status, None))))
    assert _hits(report, "event/iraq-2020/met", "kg:status")


def test_membership_and_quantity_shapes() -> None:
    post = URIRef(iris.BASE + "id/membership/sudani-prime-minister")
    withdrawal = URIRef(iris.BASE + "id/event/iraq-2020/withdrew")

    def change(art: Graph, merged: Graph) -> None:
        art.remove((post, ORG.role, None))
        troops = art.value(withdrawal, KG.hasQuantity)
        art.remove((troops, SCHEMA.unitText, None))
        art.remove((troops, SCHEMA.value, None))

    report = validate(_broken(change))
    assert _hits(report, "membership/sudani-prime-minister", "org:role")
    quantity = [v for v in report.violations if v.focus.endswith("id/quantity/iraq-2020/27-39>")]
    assert {v.path for v in quantity} == {"schema:unitText", ""}  # "" is the value-or-bounds sh:or


def test_blank_nodes_are_named_by_what_points_at_them() -> None:
    troops = URIRef(iris.BASE + "id/quantity/iraq-2020/27-39")

    def change(art: Graph, merged: Graph) -> None:
        before = art.value(troops, KG.fromQuantity)
        art.remove((before, SCHEMA.unitText, None))

    report = validate(_broken(change))
    assert [v.focus for v in report.violations] == [f"[<{troops}> kg:fromQuantity]"]


def test_statement_needs_a_span_or_a_reason() -> None:
    link = URIRef(iris.BASE + "id/link/withdrew-withdrew")
    report = validate(_broken(lambda art, merged: merged.remove((link, RDFS.comment, None))))
    assert [(v.focus, v.path) for v in report.violations] == [(f"<{link}>", "")]


def test_unnamed_source_needs_a_label_too() -> None:
    source = URIRef(iris.BASE + "id/source/iraq-2020/senior-official")
    report = validate(_broken(lambda art, merged: art.remove((source, RDFS.label, None))))
    assert _hits(report, "id/source/iraq-2020/senior-official", "rdfs:label")


def test_a_post_stated_by_two_articles_may_differ_in_confidence_and_former() -> None:
    post = URIRef(iris.BASE + "id/membership/sudani-prime-minister")

    def change(art: Graph, merged: Graph) -> None:
        art.add((post, KG.former, Literal(False)))
        other = Graph(store=art.store, identifier=iris.doc_graph("other"))
        other.add((post, KG.confidence, Literal(Decimal("0.5"))))
        other.add((post, KG.former, Literal(True)))

    report = validate(_broken(change))
    assert report.conforms, report.text()


def test_event_with_two_confidences_is_reported() -> None:
    meeting = URIRef(iris.BASE + "id/event/iraq-2020/met")
    report = validate(_broken(lambda art, merged: art.add((meeting, KG.confidence, Literal(Decimal("0.2"))))))
    assert _hits(report, "event/iraq-2020/met", "kg:confidence")


def test_warning_does_not_break_conformance() -> None:
    begin = TEXT.index("Iraq")
    mention = iris.span(DOC, begin, begin + 4)
    report = validate(_broken(lambda art, merged: art.remove((mention, NIF.sentence, None))))
    assert report.conforms
    assert [v.severity for v in report.violations] == ["Warning"]
    assert report.count("Warning") == 1


def test_report_is_sorted_deterministic_and_escaped() -> None:
    begin = TEXT.index("Iraq")
    mention = iris.span(DOC, begin, begin + 4)
    bad = "Ira\nq\x1b[31m"

    def change(art: Graph, merged: Graph) -> None:
        art.set((mention, NIF.anchorOf, Literal(bad)))
        merged.remove((iris.entity("person/joe-biden"), RDFS.label, None))

    first, second = validate(_broken(change)), validate(_broken(change))
    assert first == second
    assert list(first.violations) == sorted(first.violations, key=lambda v: (v.severity != "Violation", v.focus, v.path, v.message))
    text = first.text()
    assert "\x1b" not in text and "Ira\nq" not in text
    assert text.count("\n") == len(first.violations) + 1


def test_check_anchors_alone_is_clean_on_good_data(good: Dataset) -> None:
    assert check_anchors(good) == ()


def test_rdfs_inference_can_be_turned_off(good: Dataset) -> None:
    iraq = iris.entity("country/iq")
    assert validate(good, rdfs_inference=False).conforms
    broken = _broken(lambda art, merged: merged.remove((iraq, RDFS.label, None)))
    assert _hits(validate(broken, rdfs_inference=False), "id/country/iq", "rdfs:label")


def test_validate_rejects_other_inputs() -> None:
    with pytest.raises(TypeError, match="rdflib Graph or Dataset"):
        validate("not a graph")  # type: ignore[arg-type]


def _activated_anchor_shapes() -> Graph:
    shapes = Graph()
    for triple in shapes_graph():
        shapes.add(triple)
    shapes.remove((URIRef(KGSH + "AnchorShape"), SH.deactivated, None))
    return shapes


def test_deactivated_sparql_anchor_shape_agrees_with_check_anchors() -> None:
    """The SPARQL form in shapes.ttl (off for speed) finds the same mismatch as the Python check."""
    begin = TEXT.index("Iraq")
    mention = iris.span(DOC, begin, begin + 4)
    broken = union_graph(_broken(lambda art, merged: art.set((mention, NIF.anchorOf, Literal("Iran")))))
    shapes = _activated_anchor_shapes()
    anchor_only = [URIRef(KGSH + "AnchorShape")]
    ok, _, _ = pyshacl.validate(union_graph(build_dataset()), shacl_graph=shapes, ont_graph=ontology_graph(),
                                use_shapes=anchor_only)
    assert ok
    ok, results, _ = pyshacl.validate(broken, shacl_graph=shapes, ont_graph=ontology_graph(), use_shapes=anchor_only)
    assert not ok
    assert set(results.objects(None, SH.focusNode)) == {mention}
    assert [v.focus for v in check_anchors(broken)] == [f"<{mention}>"]


# --- the example queries of ontology/README.md run on the sample -------------------------------

README = Path(__file__).resolve().parents[1] / "ontology" / "README.md"


def readme_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_six_to_eight_example_queries() -> None:
    assert 6 <= len(readme_queries()) <= 8


@pytest.fixture(scope="module")
def sample_store(good: Dataset) -> ox.Store:
    store = ox.Store()
    store.load(good.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.mark.parametrize("number", range(len(readme_queries())), ids=lambda n: f"query{n + 1}")
def test_readme_query_answers_on_the_sample(number: int, sample_store: ox.Store) -> None:
    """Each example parses as standard SPARQL (rdflib) and answers under Oxigraph, as `kg query` runs it."""
    query = sparql_prologue() + readme_queries()[number]
    prepareQuery(query)
    rows = list(sample_store.query(query, use_default_graph_as_union=True))
    assert rows, f"query {number + 1} finds nothing on a graph that answers it"
