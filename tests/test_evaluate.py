"""kg.evaluation.evaluate against small hand-built graphs whose right answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS

from kg.evaluation.evaluate import GoldError, evaluate, load_gold
from kg.evaluation.events import locate_evidence
from kg.evaluation.gold import normalize_name
from kg.vocab import GAF, KG_NS, NIF, SCHEMA, SEM

KG = Namespace(KG_NS)
NNI = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
ID = Namespace("https://w3id.org/newskg/id/")
DOC = URIRef("https://w3id.org/newskg/doc/story-one")
DOC_GRAPH = URIRef("https://w3id.org/newskg/graph/story-one")
MERGED = URIRef("https://w3id.org/newskg/graph/merged")
TEXT = ("Iraqi forces withdrew from Baghdad on Monday. "
        "The Iraqi government said about 3,000 troops remain in Iraq.")

GOLD = """
schema: kg-gold/1
documents:
  - {id: A, file: story-one.txt, published: 2025-01-01}
entities:
  - {name: Iraq, type: Place, kind: country, docs: [A], mentions: [Iraq, Iraqi]}
  - {name: Baghdad, type: Place, kind: city, docs: [A], mentions: [Baghdad]}
relations:
  - {subject: Baghdad, predicate: located_in, object: Iraq, doc: A, evidence: "withdrew from Baghdad"}
events:
  - id: E1
    doc: A
    type: withdrawal
    trigger: withdrew
    evidence: "Iraqi forces withdrew ... Baghdad"
    agent: [Iraq]
    place: [Baghdad]
    time: {text: on Monday, value: null}
    quantity: {unit: troops, from: null, to: 3000, qualifier: about}
    status: happened
  - id: E2
    doc: A
    type: statement
    trigger: said
    evidence: "The Iraqi government said about 3,000 troops"
    speaker: [Iraq]
    status: happened
quantities:
  - {doc: A, what: troops in Iraq, value: 3000, qualifier: about}
"""


def ontology() -> Graph:
    g = Graph()
    for sub, sup in [(KG.Place, SCHEMA.Place), (KG.Country, KG.Place), (KG.City, KG.Place),
                     (KG.Person, SCHEMA.Person), (KG.Organization, SCHEMA.Organization),
                     (KG.ReportedEvent, SEM.Event), (KG.Withdrawal, KG.ReportedEvent),
                     (KG.Statement, KG.ReportedEvent), (KG.PressStatement, KG.Statement)]:
        g.add((sub, RDFS.subClassOf, sup))
    return g


def span(start: int, end: int) -> URIRef:
    return URIRef(f"{DOC}#char={start},{end}")


def mention(ds: Dataset, node: URIRef, surface: str, occurrence: int = 0, sentences: bool = True) -> URIRef:
    """Add a nif:Phrase for the n-th occurrence of surface and tie node to it."""
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(surface, start + 1)
    end = start + len(surface)
    g, m = ds.graph(DOC_GRAPH), span(start, end)
    g.add((m, RDF.type, NIF.Phrase))
    g.add((m, NIF.beginIndex, Literal(start, datatype=NNI)))
    g.add((m, NIF.endIndex, Literal(end, datatype=NNI)))
    g.add((m, NIF.anchorOf, Literal(surface)))
    g.add((m, NIF.referenceContext, DOC))
    if sentences:
        cut = TEXT.index(". ") + 2
        g.add((m, NIF.sentence, span(0, cut - 1) if start < cut else span(cut, len(TEXT))))
    g.add((node, GAF.denotedBy, m))
    return m


def perfect(sentences: bool = True) -> Dataset:
    ds = Dataset()
    art = ds.graph(DOC_GRAPH)
    art.add((DOC, RDF.type, SCHEMA.NewsArticle))
    art.add((DOC, SCHEMA.identifier, Literal("story-one")))
    art.add((DOC, NIF.isString, Literal(TEXT)))
    if sentences:
        cut = TEXT.index(". ") + 2
        for b, e in ((0, cut - 1), (cut, len(TEXT))):
            art.add((span(b, e), RDF.type, NIF.Sentence))
            art.add((span(b, e), NIF.referenceContext, DOC))
    merged = ds.graph(MERGED)
    iraq, baghdad = ID["country/iq"], ID["city/baghdad"]
    merged.add((iraq, RDF.type, KG.Country))
    merged.add((iraq, RDFS.label, Literal("Iraq")))
    merged.add((iraq, SKOS.altLabel, Literal("Iraqi")))
    merged.add((baghdad, RDF.type, KG.City))
    merged.add((baghdad, RDFS.label, Literal("Baghdad")))
    merged.add((baghdad, SCHEMA.containedInPlace, iraq))
    mention(ds, iraq, "Iraqi", 0, sentences)
    mention(ds, iraq, "Iraqi", 1, sentences)
    mention(ds, iraq, "Iraq.", 0, sentences)
    mention(ds, baghdad, "Baghdad", 0, sentences)
    ev1, ev2, qty = ID["event/e1"], ID["event/e2"], ID["quantity/q1"]
    art.add((ev1, RDF.type, KG.Withdrawal))
    art.add((ev1, RDFS.label, Literal("withdrew")))
    art.add((ev1, KG.hasAgent, iraq))
    art.add((ev1, SEM.hasPlace, baghdad))
    art.add((ev1, KG.timeText, Literal("on Monday")))
    art.add((ev1, KG.status, KG.Happened))
    art.add((ev1, KG.hasQuantity, qty))
    art.add((qty, RDF.type, SCHEMA.QuantitativeValue))
    art.add((qty, SCHEMA.value, Literal(3000)))
    art.add((qty, SCHEMA.unitText, Literal("troops")))
    art.add((qty, KG.qualifier, Literal("about")))
    mention(ds, ev1, "withdrew", 0, sentences)
    art.add((ev2, RDF.type, KG.PressStatement))
    art.add((ev2, KG.hasSpeaker, iraq))
    art.add((ev2, KG.status, KG.Happened))
    mention(ds, ev2, "said", 0, sentences)
    return ds


@pytest.fixture
def gold(tmp_path):
    path = tmp_path / "gold.yaml"
    path.write_text(GOLD, encoding="utf-8")
    return load_gold(path)


def rate(ratio) -> float | None:
    return ratio.rate


def test_perfect_graph_scores_everything(gold):
    report = evaluate(gold, perfect(), ontology())
    assert dict(report.articles) == {"A": str(DOC)}
    e, r, v, q = report.entities, report.relations, report.events, report.quantities
    assert (e.recall.found, e.recall.total) == (2, 2)
    assert rate(e.precision) == rate(e.unification) == 1.0
    assert e.missed == e.false_positives == e.split == ()
    assert (r.stated.found, r.stated.total) == (1, 1) and r.implied.total == 0
    assert [m.gold_id for m in v.matched] == ["E1", "E2"] and v.missed == ()
    # E1: agent + place + time; E2: speaker
    assert (v.attachment.found, v.attachment.total) == (4, 4)
    assert rate(v.participants) == rate(v.quantities) == rate(v.status) == 1.0
    assert v.absolute_dates.total == 0
    assert (q.found.found, q.found.total) == (1, 1)
    rows = {measure: (pct, counts) for measure, pct, counts in report.rows()}
    assert {k for k, (pct, _) in rows.items() if pct != "100.0%"} == {  # nothing to find there
        "Relations: implied recall", "Events: absolute dates"}
    assert rows["Relations: implied recall"] == ("-", "0/0") and rows["Entities: precision"] == ("100.0%", "2/2")


def test_report_is_json_ready_and_plain_graphs_work(gold):
    flat = Graph()
    for s, p, o, _ in perfect().quads((None, None, None, None)):
        flat.add((s, p, o))
    report = evaluate(gold, flat, ontology())
    data = json.loads(json.dumps(report.as_dict()))
    assert data["entities"]["recall"] == {"found": 2, "total": 2, "rate": 1.0}
    assert data["events"]["matched"][0]["gold_id"] == "E1"
    assert data["relations"]["by_predicate"]["located_in"]["found"] == 1


def test_split_entity_is_listed_with_its_nodes(gold):
    ds = perfect()
    twin = ID["country/iraqi"]
    ds.graph(MERGED).add((twin, RDF.type, KG.Country))
    ds.graph(MERGED).add((twin, RDFS.label, Literal("Iraqi")))
    ds.graph(MERGED).remove((ID["country/iq"], SKOS.altLabel, None))
    mention(ds, twin, "Iraqi", 1)
    report = evaluate(gold, ds, ontology())
    assert (report.entities.unification.found, report.entities.unification.total) == (0, 1)
    [split] = report.entities.split
    assert split.name == "Iraq"
    assert [n.node for n in split.nodes] == sorted([str(ID["country/iq"]), str(twin)])
    assert report.entities.recall.rate == 1.0


def test_false_positive_lowers_precision(gold):
    ds = perfect()
    stray = ID["person/monday"]
    ds.graph(MERGED).add((stray, RDF.type, KG.Person))
    ds.graph(MERGED).add((stray, RDFS.label, Literal("Monday")))
    mention(ds, stray, "Monday")
    entities = evaluate(gold, ds, ontology()).entities
    assert (entities.precision.found, entities.precision.total) == (2, 3)
    assert [fp.node for fp in entities.false_positives] == [str(stray)]
    assert entities.false_positives[0].types == ("Person",)


def test_wrong_type_and_missing_entity_are_misses(gold):
    ds = perfect()
    ds.graph(MERGED).set((ID["city/baghdad"], RDF.type, KG.Person))
    ds.graph(MERGED).remove((ID["country/iq"], None, None))
    entities = evaluate(gold, ds, ontology()).entities
    assert entities.recall.found == 0 and entities.recall_any_type.found == 1
    assert [(m.name, m.reason.split(":")[0]) for m in entities.missed] == [
        ("Baghdad", "wrong type"), ("Iraq", "no node carries its name or a mention")]


def test_event_in_another_sentence_does_not_match(gold):
    ds = perfect()
    ev1 = ID["event/e1"]
    for m in list(ds.graph(DOC_GRAPH).objects(ev1, GAF.denotedBy)):
        ds.graph(DOC_GRAPH).remove((ev1, GAF.denotedBy, m))
    mention(ds, ev1, "remain")
    events = evaluate(gold, ds, ontology()).events
    assert [m.gold_id for m in events.matched] == ["E2"]
    assert [(m.gold_id, m.reason) for m in events.missed] == [("E1", "no kg:Withdrawal event in the sentence")]
    assert (events.attachment.found, events.attachment.total) == (1, 4)
    assert (events.attachment_matched.found, events.attachment_matched.total) == (1, 1)


def test_subclass_matches_but_an_unrelated_class_does_not(gold):
    ds = perfect()
    assert [m.gold_id for m in evaluate(gold, ds, ontology()).events.matched] == ["E1", "E2"]  # PressStatement
    ds.graph(DOC_GRAPH).set((ID["event/e2"], RDF.type, KG.Withdrawal))
    missed = evaluate(gold, ds, ontology()).events.missed
    assert [(m.gold_id, m.reason) for m in missed] == [
        ("E2", "no kg:Statement event in the sentence (found there: Withdrawal)")]


def test_sentences_from_mentions_when_no_sentence_nodes(gold):
    events = evaluate(gold, perfect(sentences=False), ontology()).events
    assert events.recall.rate == 1.0
    events = evaluate(gold, _without_nif_sentence(perfect(sentences=False)), ontology()).events
    assert events.recall.rate == 1.0  # punctuation split of nif:isString


def _without_nif_sentence(ds: Dataset) -> Dataset:
    ds.graph(DOC_GRAPH).remove((None, NIF.sentence, None))
    return ds


def test_argument_in_wrong_role_counts_only_role_agnostic(gold):
    ds = perfect()
    ds.graph(DOC_GRAPH).remove((ID["event/e2"], KG.hasSpeaker, None))
    ds.graph(DOC_GRAPH).add((ID["event/e2"], KG.hasAgent, ID["country/iq"]))
    events = evaluate(gold, ds, ontology()).events
    assert (events.participants.found, events.participants_any_role.found) == (1, 2)
    assert events.matched[1].missing == ("speaker: Iraq (in another role)",)


def test_quantity_with_wrong_qualifier_is_not_found(gold):
    ds = perfect()
    ds.graph(DOC_GRAPH).set((ID["quantity/q1"], KG.qualifier, Literal("over")))
    quantities = evaluate(gold, ds, ontology()).quantities
    assert (quantities.found.found, quantities.found.total) == (0, 1)
    assert quantities.missed[0].reason == "qualifier ['over'] instead of 'about'"


def test_roles_need_the_membership_shape(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GOLD.split("relations:")[0].replace(
        "entities:\n", "entities:\n  - {name: Ann Lee, type: Person, docs: [A], mentions: [Lee]}\n") + """
relations:
  - {subject: Ann Lee, predicate: holds_role, role: Prime Minister, object: Iraq, doc: A, evidence: x}
  - {subject: Ann Lee, predicate: held_role, role: General, object: null, doc: A, evidence: x, status: implied}
""", encoding="utf-8")
    ds, ann, role = perfect(), ID["person/ann-lee"], ID["role/pm"]
    g = ds.graph(MERGED)
    g.add((ann, RDF.type, KG.Person))
    g.add((ann, RDFS.label, Literal("Ann Lee")))
    for n, (title, org) in enumerate((("the Prime Minister", ID["country/iq"]), ("general", None))):
        m, r = ID[f"membership/{n}"], ID[f"role/{n}"]
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, ann))
        g.add((m, ORG.role, r))
        g.add((r, RDFS.label, Literal(title)))
        if org:
            g.add((m, ORG.organization, org))
    relations = evaluate(load_gold(path), ds, ontology()).relations
    assert (relations.stated.found, relations.implied.found) == (1, 0)  # no kg:former on the second
    g.add((ID["membership/1"], KG.former, Literal(True)))
    relations = evaluate(load_gold(path), ds, ontology()).relations
    assert relations.implied.found == 1 and relations.missed == ()


def test_evidence_is_found_across_quotes_and_elisions():
    text = "He said: \u201cThis is final,\u201d the   official said. Other text."
    assert locate_evidence(text, '"This is final ..." the official said') == text.index("\u201c")
    assert locate_evidence(text, "not there") is None
    assert normalize_name('"The Pentagon,"') == normalize_name("pentagon") == "pentagon"


@pytest.mark.parametrize("body, reason", [
    ("schema: kg-gold/2\n", "expected 'kg-gold/1'"),
    ("- a list\n", "a YAML mapping"),
    ("schema: kg-gold/1\ndocuments: [{id: A, file: a.txt}]\n"
     "relations: [{subject: Nobody, predicate: part_of, object: Nobody, doc: A, evidence: x}]\n", "'Nobody' is not one of"),
    ("schema: kg-gold/1\nentities: [{name: X, type: Thing, mentions: []}]\n", "'Thing' is not one of"),
])
def test_load_gold_names_the_file_and_the_reason(tmp_path, body, reason):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert str(path) in str(err.value) and reason in str(err.value)


def test_load_gold_reads_the_seeds():
    path = Path(__file__).parents[2] / "shared" / "gold" / "seeds.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    gold = load_gold(path)
    assert (len(gold.entities), len(gold.events), len(gold.quantities)) == (27, 18, 5)
    assert len(gold.relations) == 15 and [d.identifier for d in gold.documents] == [
        "us-troop-reduction-iraq", "pentagon-iraq-drawdown"]
    assert gold.entity("Islamic State").forms >= {"isis", "daesh", "islamic state"}
    corpus = path.parents[1] / "corpus"
    for event in gold.events:  # every evidence can be located in its article
        doc = next(d for d in gold.documents if d.id == event.doc)
        assert locate_evidence((corpus / doc.file).read_text(encoding="utf-8"), event.evidence) is not None, event.id


def test_absolute_dates_need_the_exact_value(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GOLD.replace("{text: on Monday, value: null}", '{text: on Monday, value: "2025-01-06"}'),
                    encoding="utf-8")
    gold, ds = load_gold(path), perfect()
    assert evaluate(gold, ds, ontology()).events.absolute_dates.found == 0  # only kg:timeText so far
    date = URIRef("http://www.w3.org/2001/XMLSchema#date")
    ds.graph(DOC_GRAPH).add((ID["event/e1"], SEM.hasTimeStamp, Literal("2025-01-06", datatype=date)))
    events = evaluate(gold, ds, ontology()).events
    assert (events.absolute_dates.found, events.absolute_dates.total) == (1, 1) and events.times.rate == 1.0


def test_change_of_quantity_needs_the_value_before(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GOLD.replace("from: null, to: 3000", "from: 5200, to: 3000"), encoding="utf-8")
    gold, ds = load_gold(path), perfect()
    assert evaluate(gold, ds, ontology()).events.quantities.found == 0
    before = ID["quantity/q1/from"]
    ds.graph(DOC_GRAPH).add((ID["quantity/q1"], KG.fromQuantity, before))
    ds.graph(DOC_GRAPH).add((before, SCHEMA.value, Literal(5200)))
    assert evaluate(gold, ds, ontology()).events.quantities.found == 1


def test_default_ontology_gives_the_coarse_types(gold):
    report = evaluate(gold, perfect())  # kg/data/kg.ttl or ontology/kg.ttl
    assert report.notes == ()
    assert report.entities.recall.rate == report.entities.precision.rate == 1.0
    assert [m.gold_id for m in report.events.matched][:1] == ["E1"]
