"""The benchmark's corpus generator: deterministic by seed, news-sized, valid JSON Lines.

Only the generator is tested here; the benchmark itself is never a timed test.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ lives beside kg/, not installed

from bench.corpus import MAX_WORDS, MIN_WORDS, article, load_bank, write_corpus
from kg.ingest.readers import read_inputs
from kg.nlp.places import load_gazetteer
from kg.records import Document, InputError

N = 30


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return [article(i, seed=7) for i in range(N)]


def test_same_seed_same_articles_other_seed_other_articles(articles):
    assert [article(i, seed=7) for i in range(N)] == articles
    other = [article(i, seed=8) for i in range(N)]
    assert sum(a["text"] != b["text"] for a, b in zip(articles, other)) == N


def test_article_depends_only_on_seed_and_index(tmp_path):
    small = write_corpus(tmp_path / "small", 4, seed=3)
    big = write_corpus(tmp_path / "big", 11, seed=3, chunk_size=5)
    assert [len(p.read_text().splitlines()) for p in big] == [5, 5, 1]
    assert small[0].read_text().splitlines() == big[0].read_text().splitlines()[:4]


def test_articles_are_news_sized_with_headings(articles):
    words = [len(a["text"].split()) for a in articles]
    assert all(MIN_WORDS <= w <= MAX_WORDS for w in words), words
    headings = [line for a in articles for line in a["text"].splitlines()
                if line and line[-1] not in ".!?:”\"" and not line.startswith("- ")]
    assert len(headings) >= N // 3


def test_names_numbers_and_dates_vary(articles):
    gazetteer = load_gazetteer()
    countries = {e.name for e in gazetteer.entries.values() if e.kind == "Country"}
    named = {c for a in articles for c in countries if re.search(rf"\b{re.escape(c)}\b", a["text"])}
    assert len(named) >= 15  # not the two example articles' Iraq, Syria and the US over and over
    assert len({a["title"] for a in articles}) >= N * 2 // 3
    assert len({a["published"] for a in articles}) >= N * 2 // 3
    numbers = {n for a in articles for n in re.findall(r"\b\d{1,3}(?:,\d{3})+\b", a["text"])}
    assert len(numbers) >= 10


def test_every_sentence_comes_from_the_example_templates():
    bank = load_bank()
    assert len(bank.sentences) >= 40 and bank.headings and bank.bullets
    fixed_words = {w for t in bank.sentences for part in t if isinstance(part, str) for w in part.split()}
    assert {"drawdown", "sovereignty", "coalition"} <= fixed_words


def test_written_corpus_is_valid_jsonl_for_kg_ingest(tmp_path):
    files = write_corpus(tmp_path, 12, seed=1, chunk_size=5)
    lines = [json.loads(line) for p in files for line in p.read_text(encoding="utf-8").splitlines()]
    assert [sorted(r) for r in lines] == [["id", "published", "text", "title"]] * 12
    assert all(date.fromisoformat(r["published"]) for r in lines)
    items = list(read_inputs([tmp_path]))
    assert not [i for i in items if isinstance(i, InputError)]
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.id for d in docs] == [r["id"] for r in lines] and len({d.id for d in docs}) == 12
