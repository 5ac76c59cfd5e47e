"""Held-out evaluation: five wire-style articles written apart from the example corpus, and their gold.

The floors below are what the system measured when the set was written, minus about five points,
so a regression anywhere in the pipeline fails here while small wobbles do not. Raise a floor when
the system durably improves; never lower one to make a change pass. See tests/heldout/gold.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build import build
from kg.evaluation.evaluate import evaluate, load_gold
from kg.evaluation.events import locate_evidence
from kg.query.sparql import run
from kg.store.dataset import load_dataset

HELDOUT = Path(__file__).parent / "heldout"
ARTICLES = HELDOUT / "articles.jsonl"
GOLD = HELDOUT / "gold.yaml"

# (area, measure) -> floor on the rate. First measured when the set was written (the first value in
# each comment, tests/heldout/error-analysis.md), then after the fixes its error analysis led to (the
# second): since then the set has informed rules, so it is a regression guard, no longer unseen text.
FLOORS = {
    ("entities", "recall"): 0.85,         # measured 0.842 (117/139) -> 0.899 (125/139)
    ("entities", "precision"): 0.92,      # measured 0.914 (128/140) -> 0.971 (133/137)
    ("entities", "unification"): 0.91,    # measured 0.966 (56/58) -> 0.967 (58/60)
    ("relations", "stated"): 0.72,        # measured 0.426 (26/61) -> 0.770 (47/61)
    ("events", "recall"): 0.92,           # measured 0.635 (47/74) -> 0.973 (72/74)
    ("events", "attachment"): 0.60,       # measured 0.321 (59/184) -> 0.658 (121/184)
    ("events", "participants"): 0.61,     # measured 0.386 (39/101) -> 0.663 (67/101)
    ("events", "places"): 0.49,           # measured 0.100 (5/50) -> 0.540 (27/50)
    ("events", "times"): 0.76,            # measured 0.424 (14/33) -> 0.818 (27/33)
    ("events", "absolute_dates"): 0.81,   # measured 0.455 (5/11) -> 0.909 (10/11)
    ("events", "status"): 0.89,           # measured 0.936 (44/47) -> 0.944 (68/72)
    ("quantities", "found"): 0.83,        # measured 0.548 (23/42) -> 0.881 (37/42)
}


def _records() -> list[dict]:
    return [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("heldout")
    build([ARTICLES], out, jobs=1, explorer=False)
    return out


@pytest.fixture(scope="module")
def report(built):
    return evaluate(load_gold(GOLD), load_dataset(built))


def test_gold_matches_the_articles():
    """Every gold document is a line of articles.jsonl with the same published date, and every
    event's evidence is found in its article (else the event could never be matched)."""
    gold, records = load_gold(GOLD), {r["id"]: r for r in _records()}
    assert len(gold.documents) == len(records) == 5
    texts = {}
    for doc in gold.documents:
        assert doc.identifier in records, f"{doc.file}: no such id in {ARTICLES.name}"
        assert records[doc.identifier]["published"] == doc.published, doc.id
        texts[doc.id] = records[doc.identifier]["text"]
    missing = [e.id for e in gold.events if locate_evidence(texts[e.doc], e.evidence) is None]
    assert missing == []
    assert sum(d.published is not None for d in gold.documents) == 3


def test_every_gold_document_is_built(report):
    assert all(iri is not None for _, iri in report.articles), report.notes
    assert report.notes == ()


def test_published_dates_reach_the_graph(built):
    rows = run(built, "SELECT ?id ?d WHERE { ?a schema:identifier ?id ; schema:datePublished ?d }")
    found = {row[0].value: row[1].value[:10] for row in rows}
    expected = {r["id"]: r["published"] for r in _records() if r["published"]}
    assert found == expected


@pytest.mark.parametrize("area,measure", sorted(FLOORS), ids=lambda v: str(v))
def test_floor(report, area, measure):
    ratio = getattr(getattr(report, area), measure)
    floor = FLOORS[(area, measure)]
    assert ratio.total > 0
    assert ratio.rate >= floor, f"{area} {measure}: {ratio.found}/{ratio.total} = {ratio.rate:.3f} < floor {floor}"
