"""Analyst corrections: each kind applied, idempotent, reported when stale, kept across rebuilds,
`--into` and `kg remove`, and visible to queries."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kg.build import build, fix, read_corrections, remove
from kg.cli import app
from kg.query.sparql import run, table
from kg.records import Mention
from kg.resolve.corrections import CorrectionsError, dump, make, parse
from kg.resolve.entities import Resolver


class NoGazetteer:
    def get(self, key):
        return None


def m(doc, start, text, kind="Person"):
    return Mention(doc, start, start + len(text), text, kind, (0, 500), None, "ner", text)


MENTIONS = [m("A", 0, "Lloyd Austin"), m("A", 20, "Lloyd J. Austin III"), m("A", 40, "Ryanair", "Person"),
            m("A", 60, "Austin"), m("B", 0, "Stephen Austin"), m("B", 30, "the agreement", "Organization"),
            m("B", 50, "Austin")]


def resolved(*corrections):
    r = Resolver(NoGazetteer())
    r.add_article([x for x in MENTIONS if x.doc_id == "A"], [])
    r.add_article([x for x in MENTIONS if x.doc_id == "B"], [])
    return r.resolve(list(corrections))


def key(res, text):
    return res.key_of(next(x for x in MENTIONS if x.text == text))


def test_the_file_reads_back_what_it_wrote():
    cs = [make("merge", ["A", "B"]), make("split", ["C"], note="two people"), make("type", ["D", "Person"]),
          make("drop", ["E"]), make("sameas", ["F", "Q42"])]
    assert parse(dump(cs)) == cs


@pytest.mark.parametrize("op,args", [("merge", ["A"]), ("type", ["A", "Spaceship"]), ("sameas", ["A", "42"]),
                                     ("rename", ["A"]), ("drop", [""])])
def test_a_malformed_correction_is_refused_with_the_reason(op, args):
    with pytest.raises(CorrectionsError):
        make(op, args)


def test_a_malformed_file_names_the_entry():
    with pytest.raises(CorrectionsError, match="correction 2"):
        parse("corrections:\n- drop: A\n- explode: B\n")


def test_merge_joins_two_nodes_and_keeps_the_first_ones_key():
    res = resolved(make("merge", ["Stephen Austin", "Ryanair"]))
    assert key(res, "Stephen Austin") == key(res, "Ryanair") == "person/stephen-austin"
    assert res.corrections[0].status == "applied" and res.corrections[0].keys == ("person/stephen-austin",)
    assert any("analyst correction" in s.reason for s in res.merge_log if s.form == "Ryanair")


def test_split_takes_a_name_off_its_node():
    before = resolved()
    assert key(before, "Lloyd J. Austin III") == key(before, "Lloyd Austin")
    res = resolved(make("split", ["Lloyd J. Austin III"]))
    assert key(res, "Lloyd J. Austin III") != key(res, "Lloyd Austin")


def test_type_gives_a_node_a_class_and_drop_removes_it():
    res = resolved(make("type", ["Ryanair", "Company"]), make("drop", ["the agreement"]))
    assert {e.label: e.kind for e in res.entities}["Ryanair"] == "Company"
    assert key(res, "the agreement") is None and "the agreement" not in {e.label for e in res.entities}


def test_sameas_links_the_node_to_wikidata():
    res = resolved(make("sameas", ["Lloyd Austin", "Q7589"]))
    entity = next(e for e in res.entities if e.key == key(res, "Lloyd Austin"))
    assert "http://www.wikidata.org/entity/Q7589" in entity.same_as


def test_corrections_are_idempotent():
    cs = [make("merge", ["Stephen Austin", "Ryanair"]), make("type", ["Ryanair", "Company"])]
    once, twice = resolved(*cs), resolved(*cs, *cs)
    assert once.entities == twice.entities and once.node_keys == twice.node_keys
    assert [o.status for o in twice.corrections] == ["applied", "applied", "redundant", "redundant"]


def test_a_stale_or_ambiguous_correction_is_reported_not_ignored():
    res = resolved(make("drop", ["Nobody Here"]), make("merge", ["Austin", "Ryanair"]))
    stale, ambiguous = res.corrections
    assert stale.status == "stale" and "no node is named 'Nobody Here'" in stale.message
    assert ambiguous.status == "ambiguous" and "name one by its key" in ambiguous.message


ARTICLE = "Lloyd Austin visited Baghdad on Monday. Austin met Iraqi officials and left on Tuesday.\n"


@pytest.fixture()
def small_build(tmp_path, example_build):
    out = tmp_path / "build"
    shutil.copytree(example_build, out)
    return out


def labels(build_dir, cls="kg:Person"):
    return {r[0] for r in table(run(build_dir, f"SELECT ?l WHERE {{ ?e a {cls} ; rdfs:label ?l }}")).rows}


def test_fix_rebuilds_and_the_graph_records_the_correction(small_build):
    result = fix(small_build, make("type", ["Ahmed al-Sharaa", "Organization"]), explorer=False)
    assert result.documents == []  # nothing parsed again
    assert "Ahmed al-Sharaa" in labels(small_build, "kg:Organization")
    rows = table(run(small_build, "SELECT ?e ?c WHERE { ?e kg:correctedBy ?c . ?c a kg:Correction ; "
                                  "rdfs:label \"type 'Ahmed al-Sharaa' Organization\" }")).rows
    assert len(rows) == 1
    assert read_corrections(small_build) == [make("type", ["Ahmed al-Sharaa", "Organization"])]


def test_fix_refuses_a_correction_that_matches_nothing(small_build):
    with pytest.raises(CorrectionsError, match="no node is named"):
        fix(small_build, make("drop", ["Nobody Here"]), explorer=False)
    assert read_corrections(small_build) == []


def test_corrections_survive_into_and_remove_and_stale_ones_are_reported(small_build, tmp_path):
    fix(small_build, make("drop", ["Ahmed al-Sharaa"]), explorer=False)
    article = tmp_path / "austin.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    build([article], small_build, into=True, jobs=1, explorer=False)
    assert "Ahmed al-Sharaa" not in labels(small_build)
    gone = remove(small_build, ["pentagon-iraq-drawdown", "us-troop-reduction-iraq"], explorer=False)
    outcome = gone.report["corrections"][0]
    assert outcome["status"] == "stale" and "Ahmed al-Sharaa" in outcome["message"]
    assert read_corrections(small_build)  # kept: the analyst decides when it goes


def test_kg_fix_and_kg_build_print_what_happened(small_build, tmp_path):
    runner = CliRunner()
    done = runner.invoke(app, ["fix", str(small_build), "merge", "Ahmed al-Sharaa", "Bashar al-Assad",
                               "--no-explorer"])
    assert done.exit_code == 0 and "applied: merge" in done.stdout
    refused = runner.invoke(app, ["fix", str(small_build), "split", "Nobody Here", "--no-explorer"])
    assert refused.exit_code == 2
    stale = tmp_path / "stale.yaml"
    stale.write_text(dump([make("drop", ["Nobody Here"])]), encoding="utf-8")
    article = tmp_path / "austin.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    rebuilt = runner.invoke(app, ["build", str(article), "--into", str(small_build), "--corrections", str(stale),
                                  "--no-explorer", "--jobs", "1"])
    assert rebuilt.exit_code == 0 and "correction stale" in rebuilt.stderr
    assert json.loads((small_build / "report.json").read_text())["corrections"][0]["status"] == "stale"
