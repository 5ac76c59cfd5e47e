"""The `kg` command: each subcommand parses, calls the library, prints, and exits with the right code."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
GOLD = ROOT.parent / "shared" / "gold" / "seeds.yaml"
runner = CliRunner()


def kg(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "build"
    result = kg("build", CORPUS, "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "2 articles parsed" in result.output
    return out


def test_query_prints_a_table_and_csv(build_dir):
    q = "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name"
    assert "Mustafa al-Kadhimi" in kg("query", build_dir, q).output
    rows = list(csv.reader(io.StringIO(kg("query", build_dir, q, "--format", "csv").output)))
    assert rows[0] == ["name"] and ["Donald Trump"] in rows


def test_query_errors_exit_2_with_a_message(build_dir, tmp_path):
    bad = kg("query", build_dir, "SELECT WHERE {")
    assert bad.exit_code == 2 and "malformed query" in bad.output
    assert kg("query", tmp_path, "SELECT * WHERE { ?s ?p ?o }").exit_code == 2


def test_saved_questions(build_dir):
    assert "troop-levels" in kg("query", "--list").output
    met = kg("query", build_dir, "--saved", "who-met-whom", "--format", "csv").output
    assert "Riyadh" in met and "Donald Trump" in met
    missing = kg("query", build_dir, "--saved", "roles-of-person")
    assert missing.exit_code == 2 and "person" in missing.output


def test_eval_prints_the_scores(build_dir):
    if not GOLD.is_file():
        pytest.skip("the shared gold file is not beside the project")
    report = json.loads(kg("eval", GOLD, build_dir, "--json").output)
    assert report["entities"]["recall"]["rate"] >= 0.9
    assert report["entities"]["precision"]["rate"] >= 0.85


def test_export_stats_and_path(build_dir, tmp_path):
    out = tmp_path / "events.csv"
    assert kg("export", build_dir, "--format", "csv", "--out", out).exit_code == 0
    assert "Meeting" in out.read_text()
    assert kg("export", build_dir, "--format", "nope").exit_code == 2
    assert "Top actors by PageRank" in kg("stats", build_dir, "--top", "3").output
    path = kg("path", build_dir, "Trump", "Sharaa")
    assert path.exit_code == 0 and "Riyadh" in path.output
    assert kg("path", build_dir, "Trump", "Nobody Atall").exit_code == 1


def test_bad_inputs_exit_1_but_build_the_rest(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    shutil.copy(CORPUS / "pentagon-iraq-drawdown.txt", tmp_path)
    result = kg("build", tmp_path, "--out", tmp_path / "out", "--no-explorer", "--jobs", "1")
    assert result.exit_code == 1 and "empty.txt" in result.output
    assert (tmp_path / "out" / "graph.ttl").is_file()
    only_bad = kg("build", tmp_path / "empty.txt", "--out", tmp_path / "none")
    assert only_bad.exit_code == 1 and not (tmp_path / "none" / "graph.ttl").exists()


def test_remove_takes_an_article_out(build_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(build_dir, copy)
    assert kg("remove", copy, "--doc", "no-such-article").exit_code == 2
    result = kg("remove", copy, "--doc", "pentagon-iraq-drawdown", "--no-explorer")
    assert result.exit_code == 0 and "holds 1 article:" in result.output
