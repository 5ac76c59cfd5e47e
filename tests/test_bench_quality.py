"""The quality benchmark (bench/quality): scorers on tiny hand-written documents in each corpus
format, and the build reader on a real `kg build` of the example corpus.

Every input here was written for these tests; nothing is taken from the corpora.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.quality import conll03, conll04, meantime, meantime_score, tempeval
from bench.quality.__main__ import markdown
from bench.quality.common import Doc, Mention, exact_prf, inside, overlap_prf
from bench.quality.meantime_score import b_cubed, pairwise
from bench.quality.product import Aligner, Build, Event, Relation, locate, model_name
from bench.quality.runs import ensure_build, floor_mentions, guard
from bench.quality.tempeval import parse_tml, same_value, to_timeml

ROOT = Path(__file__).resolve().parents[1]
XSD = "http://www.w3.org/2001/XMLSchema#"

# --- common scorers ---------------------------------------------------------------------------


def test_exact_and_overlap_scores():
    gold = [Mention("d", 0, 5, "PER"), Mention("d", 10, 16, "LOC"), Mention("e", 0, 3, "ORG")]
    pred = [Mention("d", 0, 5, "PER"), Mention("d", 10, 13, "LOC"), Mention("e", 0, 3, "LOC")]
    exact = exact_prf(gold, pred, ("PER", "ORG", "LOC"))
    assert exact["micro"]["p"] == pytest.approx(1 / 3, abs=1e-4)
    assert exact["PER"]["f1"] == 1.0 and exact["ORG"]["r"] == 0.0 and exact["LOC"]["p"] == 0.0
    typed = overlap_prf(gold, pred)
    assert (typed["pred_correct"], typed["gold_found"]) == (2, 2)
    assert overlap_prf(gold, pred, typed=False)["r"] == 1.0
    assert inside(gold, {"d": [(8, 20)]}) == [Mention("d", 10, 16, "LOC")]


def test_no_prediction_gives_zero_not_an_error():
    assert exact_prf([Mention("d", 0, 1, "PER")], [], ("PER",))["micro"] == {
        "p": 0.0, "r": 0.0, "f1": 0.0, "pred": 0, "pred_correct": 0, "gold": 1, "gold_found": 0}


# --- CoNLL-2003 -------------------------------------------------------------------------------

CONLL03 = """-DOCSTART- -X- O O

TENNIS NN I-NP O
- : O O
SMITH NNP I-NP I-PER
WINS VBZ I-VP O

OSLO NNP I-NP I-LOC
1999-01-02 CD I-NP O

Anna NNP I-NP I-PER
Smith NNP I-NP I-PER
beat VBD I-VP O
the DT I-NP O
champion NN I-NP O
of IN I-PP O
Acme NNP I-NP I-ORG
Corp NNP I-NP I-ORG
in IN I-PP O
Oslo NNP I-NP I-LOC
. . O O

1. CD O O
Smith NNP I-NP I-PER
6-2 CD O O
6-3 CD O O

-DOCSTART- -X- O O

Paris NNP I-NP I-LOC
Berlin NNP I-NP B-LOC
and CC O O
Rome NNP I-NP I-LOC
are VBP O O
the DT O O
cities NNS O O
. . O O
"""


def test_conll03_text_gold_and_running_text():
    corpus = conll03.parse(CONLL03, prefix="t")
    first, second = corpus.docs
    assert first.text.split("\n")[2] == "Anna Smith beat the champion of Acme Corp in Oslo ."
    spans = {(first.text[m.start:m.end], m.label) for m in corpus.gold if m.doc == first.id}
    assert spans == {("SMITH", "PER"), ("OSLO", "LOC"), ("Anna Smith", "PER"), ("Acme Corp", "ORG"),
                     ("Oslo", "LOC"), ("Smith", "PER")}
    # B- splits two adjacent names of one type
    assert [second.text[m.start:m.end] for m in corpus.gold if m.doc == second.id] == ["Paris", "Berlin", "Rome"]
    # running text: after the dateline, without the results line
    running = [first.text[b:e] for b, e in corpus.running[first.id]]
    assert running == ["Anna Smith beat the champion of Acme Corp in Oslo ."]
    assert conll03.running_lines([["Paris", "Berlin", "and", "Rome", "are", "the", "cities", "."]]) == []


def test_conll03_scores_both_scopes():
    corpus = conll03.parse(CONLL03, prefix="t")
    rows, details = conll03.score(corpus, corpus.gold, [])
    assert details["all text"]["newskg"]["micro"]["f1"] == 1.0
    assert details["running text"]["newskg"]["micro"]["gold"] == 3
    assert details["all text"]["floor"]["micro"]["r"] == 0.0
    assert {r["corpus"] for r in rows} == {conll03.TITLE}


# --- TimeML -----------------------------------------------------------------------------------

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>T1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2001-05-04" functionInDocument="CREATION_TIME">May 4</TIMEX3></DCT>
<TEXT>
The firm <EVENT eid="e1" class="OCCURRENCE">closed</EVENT> <TIMEX3 tid="t1" type="DATE"
value="2001-05-03">yesterday</TIMEX3> after <TIMEX3 tid="t2" type="DURATION" value="P3Y">three years</TIMEX3>
&amp; will reopen in <TIMEX3 tid="t3" type="DATE" value="2002">2002</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_parse_tml_offsets_and_dct():
    doc, gold = parse_tml(TML, "t1")
    assert doc.published == "2001-05-04"
    assert [(doc.text[t.mention.start:t.mention.end], t.type, t.value) for t in gold] == [
        ("yesterday", "DATE", "2001-05-03"), ("three years", "DURATION", "P3Y"), ("2002", "DATE", "2002")]
    assert "& will reopen" in doc.text and "<EVENT" not in doc.text


def test_time_values_compare_as_timeml():
    assert to_timeml("2013-03", XSD + "gYearMonth") == "2013-03"
    assert to_timeml("2013-03-12Z", XSD + "date") == "2013-03-12"
    assert to_timeml("2013-03-12T10:30:00", XSD + "dateTime") == "2013-03-12T10:30"
    assert same_value("2013-03-12T10:30", to_timeml("2013-03-12T10:30:00+01:00", XSD + "dateTime"))
    assert not same_value("2013-W12", "2013-03") and not same_value("PAST_REF", "")


def test_time_scores():
    doc, gold = parse_tml(TML, "t1")
    at = {doc.text[t.mention.start:t.mention.end]: t.mention for t in gold}
    y, years = at["yesterday"], at["three years"]
    pred = [Mention("t1", y.start, y.end, "2001-05-03"), Mention("t1", years.start, years.end - 2, ""),
            Mention("t1", 0, 3, "2001")]
    s = tempeval.time_scores(gold, pred)
    assert s["overlap"]["r"] == pytest.approx(2 / 3, abs=1e-4) and s["exact_recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["overlap"]["p"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["value_all"] == pytest.approx(1 / 3, abs=1e-4) and s["value_date"] == 0.5
    rows = tempeval.time_rows("T", s, None)
    assert rows[3]["floor"] is None and rows[0]["floor"] is None


# --- MEANTIME (CAT XML) -----------------------------------------------------------------------

CAT = """<?xml version="1.0" ?><Document doc_id="7" doc_name="t" lang="en" url="">
<token number="0" sentence="0" t_id="1">Acme</token>
<token number="1" sentence="0" t_id="2">buys</token>
<token number="2" sentence="0" t_id="3">Beta</token>
<token number="3" sentence="1" t_id="4">May</token>
<token number="4" sentence="1" t_id="5">2</token>
<token number="5" sentence="1" t_id="6">,</token>
<token number="6" sentence="1" t_id="7">2010</token>
<token number="7" sentence="2" t_id="8">Jane</token>
<token number="8" sentence="2" t_id="9">Doe</token>
<token number="9" sentence="2" t_id="10">said</token>
<token number="10" sentence="2" t_id="11">she</token>
<token number="11" sentence="2" t_id="12">'s</token>
<token number="12" sentence="2" t_id="13">happy</token>
<token number="13" sentence="2" t_id="14">(</token>
<token number="14" sentence="2" t_id="15">really</token>
<token number="15" sentence="2" t_id="16">)</token>
<token number="16" sentence="2" t_id="17">.</token>
<token number="17" sentence="3" t_id="18">Later</token>
<token number="18" sentence="3" t_id="19">Acme</token>
<token number="19" sentence="3" t_id="20">sold</token>
<Markables>
<ENTITY_MENTION m_id="1" syntactic_type="NAM"><token_anchor t_id="1"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="2" syntactic_type="NAM"><token_anchor t_id="3"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="3" syntactic_type="NAM"><token_anchor t_id="8"/><token_anchor t_id="9"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="4" syntactic_type="PRO"><token_anchor t_id="11"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="5" syntactic_type=""><token_anchor t_id="1"/><token_anchor t_id="13"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="6"><token_anchor t_id="19"/></ENTITY_MENTION>
<EVENT_MENTION m_id="10" pred="buy" pos="VERB"><token_anchor t_id="2"/></EVENT_MENTION>
<EVENT_MENTION m_id="11" pred="say" pos="VERB"><token_anchor t_id="10"/></EVENT_MENTION>
<EVENT_MENTION m_id="12" pred="be" pos="VERB"><token_anchor t_id="12"/></EVENT_MENTION>
<EVENT_MENTION m_id="13"><token_anchor t_id="20"/></EVENT_MENTION>
<TIMEX3 m_id="20" type="DATE" value="2010-05-02" functionInDocument="CREATION_TIME">
<token_anchor t_id="4"/><token_anchor t_id="5"/><token_anchor t_id="6"/><token_anchor t_id="7"/></TIMEX3>
<ENTITY m_id="30" ent_type="ORG" instance_id="ORG1"/>
<ENTITY m_id="31" ent_type="ORG" instance_id="ORG2"/>
<ENTITY m_id="32" ent_type="PER" instance_id="PER1"/>
<EVENT m_id="40" class="OTHER" instance_id="E1"/>
<EVENT m_id="41" class="SPEECH_COGNITIVE" instance_id="E2"/>
<EVENT m_id="42" class="GRAMMATICAL"/>
</Markables>
<Relations>
<REFERS_TO r_id="1"><source m_id="1"/><source m_id="6"/><target m_id="30"/></REFERS_TO>
<REFERS_TO r_id="2"><source m_id="2"/><target m_id="31"/></REFERS_TO>
<REFERS_TO r_id="3"><source m_id="3"/><source m_id="4"/><target m_id="32"/></REFERS_TO>
<REFERS_TO r_id="4"><source m_id="10"/><target m_id="40"/></REFERS_TO>
<REFERS_TO r_id="5"><source m_id="11"/><target m_id="41"/></REFERS_TO>
<REFERS_TO r_id="6"><source m_id="12"/><target m_id="42"/></REFERS_TO>
<HAS_PARTICIPANT r_id="7" sem_role="Arg0"><source m_id="10"/><target m_id="1"/></HAS_PARTICIPANT>
<HAS_PARTICIPANT r_id="8" sem_role="Arg1"><source m_id="10"/><target m_id="2"/></HAS_PARTICIPANT>
<HAS_PARTICIPANT r_id="9" sem_role="Arg0"><source m_id="11"/><target m_id="3"/></HAS_PARTICIPANT>
</Relations>
</Document>
"""


def _cat():
    return meantime.parse(CAT, prefix="m")


def test_meantime_text_types_and_dense_part():
    a = _cat()
    assert a.doc.text == "Acme buys Beta\nMay 2, 2010\nJane Doe said she's happy (really).\nLater Acme sold"
    assert a.doc.published == "2010-05-02"
    assert a.doc.text[a.dense[0]:a.dense[1]].endswith("(really).")  # the undated 'sold' is not dense
    ents = {(a.doc.text[g.mention.start:g.mention.end], g.mention.label, g.syntactic_type, g.instance)
            for g in a.entities}
    assert ("Jane Doe", "PER", "NAM", "PER1") in ents and ("she", "PER", "PRO", "PER1") in ents
    assert ("Acme", "ORG", "", "ORG1") in ents  # the sparse part keeps its mentions (not scored)
    assert all(g.m_id != "5" for g in a.entities)  # scattered tokens: skipped
    assert [(a.doc.text[g.mention.start:g.mention.end], g.mention.label) for g in a.events] == [
        ("buys", "OTHER"), ("said", "SPEECH_COGNITIVE"), ("'s", "GRAMMATICAL"), ("sold", "")]


def test_meantime_entities_events_and_participants():
    a = _cat()
    t = a.doc.text
    acme, beta, jane = (t.index("Acme"), t.index("Beta"), t.index("Jane"))
    pred = [Mention(a.doc.id, acme, acme + 4, "ORG", "e:acme"), Mention(a.doc.id, beta, beta + 4, "LOC", "e:beta"),
            Mention(a.doc.id, jane + 5, jane + 8, "PER", "e:jane")]
    ents = meantime_score.entity_scores([a], pred)
    assert ents["typed_overlap"]["r"] == pytest.approx(2 / 3, abs=1e-4)
    assert ents["exact_recall"] == pytest.approx(1 / 3, abs=1e-4)
    buys, said = t.index("buys"), t.index("said")
    events = [Event(a.doc.id, "ev1", buys, buys + 4, ("kg:Agreement",), ("e:acme",)),
              Event(a.doc.id, "ev2", said, said + 4, ("https://w3id.org/newskg/ns#ReportedEvent",), ()),
              Event(a.doc.id, "ev3", t.index("happy"), t.index("happy") + 5, ("kg:Statement",), ())]
    ev = meantime_score.event_scores([a], events, pred)
    assert ev["trigger"]["r"] == 0.5  # 'said' is only a catch-all event
    assert ev["recall_by_class"] == {"OTHER": 1.0, "SPEECH_COGNITIVE": 0.0}
    assert ev["trigger"]["p"] == pytest.approx(2 / 3, abs=1e-4)  # 'happy' is no gold event
    assert ev["participants"] == {"r": 0.5, "gold": 2, "found": 1}  # Acme attached, Beta not


def test_meantime_coreference():
    a = _cat()
    t = a.doc.text
    she = t.index("she")
    beta = t.index("Beta")
    pred = [Mention(a.doc.id, 0, 4, "ORG", "e:acme"), Mention(a.doc.id, beta, beta + 4, "ORG", "e:acme"),
            Mention(a.doc.id, t.index("Jane"), t.index("Jane") + 8, "PER", "e:jane"),
            Mention(a.doc.id, she, she + 3, "PER", "e:jane")]
    c = meantime_score.coref_scores([a], pred)
    assert c["found"]["r"] == 1.0
    assert c["b_cubed"]["r"] == 1.0 and c["b_cubed"]["p"] == pytest.approx((0.5 + 0.5 + 1) / 3, abs=1e-4)
    assert c["person_nominal_pronoun"]["r"] == 1.0 and c["person_nominal_pronoun"]["p"] == 1.0


def test_b_cubed_and_pairwise():
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert b_cubed(gold, {"a": "x", "b": "x", "c": "y", "d": "y"})["f1"] == 1.0
    merged = b_cubed(gold, {"a": "x", "b": "x", "c": "x", "d": "x"})
    assert merged["r"] == 1.0 and merged["p"] == 0.5
    pw = pairwise(gold, {"a": "x", "b": "x", "c": "x"})  # 'd' not found: left out
    assert (pw["gold_pairs"], pw["pred_pairs"], pw["r"]) == (1, 3, 1.0)
    assert b_cubed(gold, {})["items"] == 0


# --- CoNLL04 ----------------------------------------------------------------------------------

C04 = (
    "#doc 1\n"
    "0\tAnna\tB-Peop\t['N']\t[0]\n1\tLee\tI-Peop\t['Work_For', 'Live_In']\t[4, 7]\n2\t,\tO\t['N']\t[2]\n"
    "3\tof\tO\t['N']\t[3]\n4\tAcme\tB-Org\t['OrgBased_In']\t[7]\n5\t,\tO\t['N']\t[5]\n6\tin\tO\t['N']\t[6]\n"
    "7\tOslo\tB-Loc\t['N']\t[7]\n8\t.\tO\t['N']\t[8]\n"
    "#doc 2\n"
    "0\tBergen\tB-Loc\t['Located_In']\t[2]\n1\t,\tO\t['N']\t[1]\n2\tNorway\tB-Loc\t['N']\t[2]\n"
)


def test_conll04_parse_and_relations():
    corpus = conll04.parse([C04], prefix="r", per_doc=20)
    (doc,) = corpus.docs
    assert doc.text == "Anna Lee , of Acme , in Oslo .\nBergen , Norway"
    got = sorted((g.type, doc.text[g.subject.start:g.subject.end], doc.text[g.object.start:g.object.end])
                 for g in corpus.relations)
    assert got == [("Live_In", "Anna Lee", "Oslo"), ("Located_In", "Bergen", "Norway"),
                   ("OrgBased_In", "Acme", "Oslo"), ("Work_For", "Anna Lee", "Acme")]
    t = doc.text
    mentions = [Mention(doc.id, 0, 8, "PER", "p"), Mention(doc.id, t.index("Acme"), t.index("Acme") + 4, "ORG", "o"),
                Mention(doc.id, t.index("Oslo"), t.index("Oslo") + 4, "LOC", "l"),
                Mention(doc.id, t.index("Bergen"), t.index("Bergen") + 6, "LOC", "b"),
                Mention(doc.id, t.index("Norway"), t.index("Norway") + 6, "LOC", "n")]
    first, second = (0, t.index("\n")), (t.index("\n") + 1, len(t))
    relations = [Relation(doc.id, "membership", "p", "o", first), Relation(doc.id, "partOf", "o", "l", first),
                 Relation(doc.id, "containedInPlace", "b", "n", first),  # evidence elsewhere: no mention there
                 Relation(doc.id, "ledBy", "o", "p", first)]
    s = conll04.relation_scores(corpus.relations, relations, mentions)
    assert s["Work_For"]["r"] == 1.0 and s["Work_For"]["pred"] == 1  # post and leader: one pair
    assert s["OrgBased_In"]["r"] == 1.0 and s["Located_In"]["r"] == 0.0 and s["Located_In"]["p"] == 0.0
    assert s["Live_In"]["gold"] == 1 and s["all"]["r"] == 0.5
    assert conll04.map_relation(Relation(doc.id, "membership", "p", "l", first), {"p": "PER", "l": "LOC"}) == [
        ("Live_In", "p", "l")]


# --- product reader pieces, floor, table ------------------------------------------------------


def test_aligner_maps_spans_across_a_changed_text():
    assert Aligner("abc", "abc").span(0, 2) == (0, 2)
    theirs, ours = "Hello world. Bye", "Hello\u00a0 world. Bye"
    a = Aligner(theirs, ours)
    assert ours[slice(*a.span(6, 11))] == "world" and ours[slice(*a.span(13, 16))] == "Bye"


def test_locate_picks_the_occurrence_nearest_the_trigger():
    text = "In 2020 they left. In 2020 they came back in 2020."
    assert locate(text, "2020", (19, len(text)), 27) == (22, 26)
    assert locate(text, "2021", (0, len(text)), 0) is None


def test_floor_labels():
    ents, times = floor_mentions([("d", 0, 4, "PERSON"), ("d", 5, 9, "NORP"), ("d", 10, 14, "FAC"),
                                  ("d", 15, 19, "DATE"), ("d", 20, 24, "ORG")])
    assert [m.label for m in ents] == ["PER", "LOC", "ORG"] and times == [Mention("d", 15, 19, "")]


def test_guard_touches_only_articles_ending_in_a_number():
    docs = guard([Doc("a", "Rates rose to 94"), Doc("b", "Rates rose.")])
    assert [d.text for d in docs] == ["Rates rose to 94 .", "Rates rose."]


def test_table_and_missing_corpora(tmp_path, monkeypatch, capsys):
    from bench.quality.__main__ import main

    monkeypatch.setenv("NEWSKG_DEVDATA", str(tmp_path / "nothing"))
    out = tmp_path / "q.json"
    assert main(["--corpora", "conll04,tbaq", "--out", str(out), "--workdir", str(tmp_path / "w")]) == 0
    printed = capsys.readouterr().out
    assert "conll04: corpus folder not found" in printed and "tbaq: corpus folder not found" in printed
    saved = json.loads(out.read_text())
    assert saved["rows"] == [] and len(saved["skipped"]) == 2
    table = markdown({"model": "m", "rows": [{"corpus": "C", "measure": "x", "newskg": 0.5, "floor": None,
                                              "support": 1200, "note": ""}], "corpora": {}})
    assert "| C | x | 50.0 | N/A | 1,200 |  |" in table


# --- the reader on a real build ---------------------------------------------------------------


@pytest.fixture(scope="session")
def example_quality_build(tmp_path_factory):
    """The example corpus as JSONL, built once with `kg build` (the command line)."""
    docs = [Doc(p.stem, p.read_text(encoding="utf-8"), "2025-01-15")
            for p in sorted((ROOT / "examples" / "corpus").glob("*.txt"))]
    work = tmp_path_factory.mktemp("quality")
    built = ensure_build(docs, work, jobs=1, log=lambda *_: None)
    return docs, work, built


def test_build_is_reused_when_the_input_is_unchanged(example_quality_build):
    docs, work, built = example_quality_build
    assert not built.reused and built.seconds > 0
    again = ensure_build(docs, work, jobs=1, log=lambda *_: None)
    assert again.reused and again.seconds == built.seconds and again.dir == built.dir


def test_reader_returns_mentions_at_their_offsets(example_quality_build):
    docs, _, built = example_quality_build
    build = Build(built.dir, built.docs)
    assert model_name(built.dir).startswith("en_") and not build.missing
    text = {d.id: d.text for d in docs}
    mentions = build.entity_mentions(demonyms=True)
    assert len(mentions) > 50 and {m.label for m in mentions} == {"PER", "ORG", "LOC"}
    anchors = {(r["b"].value, r["x"].value, r["a"].value) for r in build.query(
        "SELECT ?b ?x ?a WHERE { ?m nif:beginIndex ?b ; nif:endIndex ?x ; nif:anchorOf ?a }")}
    for m in mentions:
        assert (str(m.start), str(m.end), text[m.doc][m.start:m.end]) in anchors
    assert len(build.entity_mentions()) < len(mentions)  # demonyms ('Iraqi') left out by default
    events = build.events()
    assert events and all(e.specific for e in events)
    assert any(e.participants for e in events)
    for e in events:
        assert text[e.doc][e.start:e.end].strip() == text[e.doc][e.start:e.end]
    times = build.times()
    assert times and all(text[t.doc][t.start:t.end] for t in times)
    assert any(t.label.startswith("20") for t in times)
    relations = build.relations()
    assert {"membership", "containedInPlace", "partOf"} <= {r.predicate for r in relations}
