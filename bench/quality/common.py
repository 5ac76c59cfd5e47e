"""Documents, spans and the scorer functions every corpus shares.

Scorers are pure functions over `Mention`s (document id, character span, label), so the product
and the spaCy floor go through exactly the same code, and each is tested on hand-made inputs.
Spans are end-exclusive character offsets into the text the benchmark wrote for the build.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DIGITS = 4  # fractions are rounded to this many places in the results


@dataclass(frozen=True)
class Doc:
    """One article as the build reads it (a JSONL line)."""

    id: str
    text: str
    published: str | None = None

    def record(self) -> dict:
        out = {"id": self.id, "text": self.text}
        if self.published:
            out["published"] = self.published
        return out


@dataclass(frozen=True, order=True)
class Mention:
    """A labelled span of one document; `key` carries an identity (entity, cluster) when needed."""

    doc: str
    start: int
    end: int
    label: str = ""
    key: str = field(default="", compare=False)


def devdata_root() -> Path:
    """`$NEWSKG_DEVDATA`, else ../shared/devdata next to the repository."""
    given = os.environ.get("NEWSKG_DEVDATA")
    return Path(given) if given else REPO.parent / "shared" / "devdata"


def write_jsonl(docs: Iterable[Doc], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(d.record(), ensure_ascii=False, sort_keys=True) for d in docs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def by_doc(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        out[m.doc].append(m)
    return out


def ratio(num: int, den: int) -> float:
    """num / den rounded; 0.0 when there is nothing to divide (no prediction = no precision)."""
    return round(num / den, DIGITS) if den else 0.0


def prf(pred_correct: int, pred_total: int, gold_found: int, gold_total: int) -> dict:
    """Precision, recall and F1 from two counts each (they differ under overlap matching)."""
    p, r = ratio(pred_correct, pred_total), ratio(gold_found, gold_total)
    f1 = round(2 * p * r / (p + r), DIGITS) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "pred": pred_total, "pred_correct": pred_correct,
            "gold": gold_total, "gold_found": gold_found}


def exact_prf(gold: Iterable[Mention], pred: Iterable[Mention], labels: Iterable[str]) -> dict:
    """Exact span and label match, per label and micro over the labels (duplicates count once)."""
    labels = list(labels)
    g = {(m.doc, m.start, m.end, m.label) for m in gold if m.label in labels}
    p = {(m.doc, m.start, m.end, m.label) for m in pred if m.label in labels}
    out = {}
    for label in labels:
        gl, pl = {x for x in g if x[3] == label}, {x for x in p if x[3] == label}
        out[label] = prf(len(gl & pl), len(pl), len(gl & pl), len(gl))
    out["micro"] = prf(len(g & p), len(p), len(g & p), len(g))
    return out


def matched(items: Iterable[Mention], against: Iterable[Mention],
            same: Callable[[Mention, Mention], bool] = lambda a, b: a.label == b.label) -> list[Mention]:
    """The items that overlap at least one of `against` in the same document (with `same` true)."""
    index = by_doc(against)
    return [m for m in items
            if any(overlaps((m.start, m.end), (o.start, o.end)) and same(m, o) for o in index.get(m.doc, ()))]


def overlap_prf(gold: Iterable[Mention], pred: Iterable[Mention], typed: bool = True) -> dict:
    """Recall: gold mentions overlapped by a prediction (of the same label when typed);
    precision: predictions overlapping a gold mention (same rule). Duplicates count once."""
    gold, pred = sorted(set(gold)), sorted(set(pred))
    same = (lambda a, b: a.label == b.label) if typed else (lambda a, b: True)
    return prf(len(matched(pred, gold, same)), len(pred), len(matched(gold, pred, same)), len(gold))


def inside(mentions: Iterable[Mention], regions: dict[str, list[tuple[int, int]]]) -> list[Mention]:
    """The mentions that start inside one of their document's regions (dense part, running text)."""
    return [m for m in mentions if any(b <= m.start < e for b, e in regions.get(m.doc, ()))]


def row(corpus: str, measure: str, newskg: float | None, floor: float | None = None,
        support: int | None = None, note: str = "") -> dict:
    """One line of the results table (fractions in [0, 1]; None is N/A)."""
    return {"corpus": corpus, "measure": measure, "newskg": newskg, "floor": floor,
            "support": support, "note": note}
