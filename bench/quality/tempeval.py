"""TempEval-3 TBAQ (TimeBank + AQUAINT): time expressions found and their normalized values.

Each .tml becomes one document: the <TEXT> without tags, published on its DCT. Gold is every
TIMEX3 inside the text (the DCT itself is not in the text). A span is found when a predicted time
overlaps it (and exactly when the offsets agree); its value is right when one of the overlapping
predictions has the same TimeML value. The floor (spaCy DATE/TIME) has spans but no values, so
its value rows are N/A.

Values: the product writes xsd:date / xsd:gYearMonth / xsd:gYear (and might write dateTime or
duration); gold values are TimeML strings (2013-03-12, 2013-03, 2013, 2013-W12, 2009-Q1, PXY,
PAST_REF). Both sides are brought to one TimeML spelling, so a value is right only when it says
the same thing ('2013-03' for 'this week' is wrong when the gold says 2013-W12).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from bench.quality.common import Doc, Mention, by_doc, overlaps, prf, ratio, row

NAME = "tbaq"
TITLE = "TempEval-3 TBAQ"
FOLDERS = ("TimeBank", "AQUAINT")
XSD = "http://www.w3.org/2001/XMLSchema#"
_ZONE = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def to_timeml(value: str, datatype: str | None = None) -> str:
    """An RDF time literal as a TimeML value: '2013-03'^^xsd:gYearMonth -> '2013-03'."""
    value = value.strip()
    kind = datatype[len(XSD):] if datatype and datatype.startswith(XSD) else None
    if kind in ("date", "gYearMonth", "gYear"):
        return _ZONE.sub("", value)
    if kind in ("dateTime", "dateTimeStamp"):
        return normalize(_ZONE.sub("", value))
    return normalize(value)


def normalize(value: str) -> str:
    """One spelling per TimeML value: a time without seconds when they are zero, no fractions."""
    value = value.strip()
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?", value)
    if m:
        return m.group(1) + (f":{m.group(2)}" if m.group(2) and m.group(2) != "00" else "")
    return value


def same_value(gold: str, predicted: str) -> bool:
    return bool(gold) and bool(predicted) and normalize(gold) == normalize(predicted)


@dataclass(frozen=True)
class Timex:
    """A gold TIMEX3 of the document text: its span, type (DATE, TIME, DURATION, SET) and value."""

    mention: Mention
    type: str
    value: str


def parse_tml(xml_text: str, doc_id: str) -> tuple[Doc, list[Timex]]:
    """The <TEXT> of a TimeML document with tags removed (offsets kept), its DCT as publication
    date (YYYY-MM-DD), and every TIMEX3 inside the text."""
    root = ET.fromstring(xml_text)
    dct = root.find("DCT/TIMEX3")
    published = None
    if dct is not None and re.match(r"\d{4}-\d{2}-\d{2}", dct.get("value", "")):
        published = dct.get("value")[:10]
    body = root.find("TEXT")
    pieces: list[str] = []
    timexes: list[tuple[int, int, str, str]] = []

    def walk(el: ET.Element) -> None:
        start = sum(map(len, pieces))
        pieces.append(el.text or "")
        for child in el:
            walk(child)
            pieces.append(child.tail or "")
        if el.tag == "TIMEX3":
            end = start + len("".join(el.itertext()))
            timexes.append((start, end, el.get("type", ""), el.get("value", "")))

    if body is not None:
        walk(body)
    text = "".join(pieces)
    gold = [Timex(Mention(doc_id, *_trim(text, s, e), t), t, v) for s, e, t, v in timexes if text[s:e].strip()]
    return Doc(doc_id, text, published), sorted(gold, key=lambda x: x.mention)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass
class Corpus:
    docs: list[Doc]
    gold: list[Timex]


def load(root: Path) -> Corpus | None:
    base = root / "tempeval3-tbaq"
    files = [p for folder in FOLDERS for p in sorted((base / folder).glob("*.tml"))]
    if not files:
        return None
    docs, gold = [], []
    for path in files:
        doc, timexes = parse_tml(path.read_text(encoding="utf-8"), f"tbaq-{path.stem}")
        docs.append(doc)
        gold += timexes
    return Corpus(docs, gold)


def time_scores(gold: list[Timex], pred: list[Mention]) -> dict:
    """Span recall (overlap, exact), span precision (overlap), value accuracy over all gold
    TIMEX3 and over DATEs; a prediction's label is its TimeML value ('' = none)."""
    index = by_doc(pred)

    def hits(t: Timex) -> list[Mention]:
        m = t.mention
        return [p for p in index.get(m.doc, ()) if overlaps((p.start, p.end), (m.start, m.end))]

    found = exact = right = dates = dates_right = 0
    for t in gold:
        h = hits(t)
        found += bool(h)
        exact += any((p.start, p.end) == (t.mention.start, t.mention.end) for p in h)
        ok = any(same_value(t.value, p.label) for p in h)
        right += ok
        if t.type == "DATE":
            dates += 1
            dates_right += ok
    gold_index = by_doc(t.mention for t in gold)
    correct = sum(1 for p in pred if any(overlaps((p.start, p.end), (g.start, g.end))
                                         for g in gold_index.get(p.doc, ())))
    spans = prf(correct, len(pred), found, len(gold))
    return {"overlap": spans, "exact_recall": ratio(exact, len(gold)),
            "value_all": ratio(right, len(gold)), "value_date": ratio(dates_right, dates),
            "gold": len(gold), "gold_dates": dates, "pred": len(pred),
            "pred_with_value": sum(1 for p in pred if p.label)}


def time_rows(title: str, ours: dict, base: dict | None, scope: str = "") -> list[dict]:
    s = f" ({scope})" if scope else ""
    b = base or {}
    return [
        row(title, f"time spans found, overlap recall{s}", ours["overlap"]["r"],
            b.get("overlap", {}).get("r"), ours["gold"]),
        row(title, f"time spans found, exact recall{s}", ours["exact_recall"], b.get("exact_recall"), ours["gold"]),
        row(title, f"time span precision, overlap{s}", ours["overlap"]["p"], b.get("overlap", {}).get("p"),
            ours["pred"]),
        row(title, f"normalized value exact, all TIMEX3{s}", ours["value_all"], None, ours["gold"],
            "floor: spaCy gives no values"),
        row(title, f"normalized value exact, DATE TIMEX3{s}", ours["value_date"], None, ours["gold_dates"],
            "floor: spaCy gives no values"),
    ]


def score(corpus: Corpus, product: list[Mention], floor: list[Mention]) -> tuple[list[dict], dict]:
    ours, base = time_scores(corpus.gold, product), time_scores(corpus.gold, floor)
    return time_rows(TITLE, ours, base), {"newskg": ours, "floor": base}
