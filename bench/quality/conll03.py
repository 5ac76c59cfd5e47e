"""CoNLL-2003 English dev (eng.testa): PER / ORG / LOC names, exact span and type.

Each article (between -DOCSTART- lines) becomes one document: tokens joined by spaces, one
sentence a line, so every gold token keeps its character offsets. MISC is not scored (it holds
nationalities, events and titles that newskg does not model as entities). Scores are given over
all the text and over the running text (see `running_lines`), since the first lines of a Reuters
story are a headline and a dateline and many stories are results tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bench.quality.common import Doc, Mention, exact_prf, inside, row

NAME = "conll2003"
TITLE = "CoNLL-2003 dev"
LABELS = ("PER", "ORG", "LOC")
DATELINE = re.compile(r"\d{4}-\d{2}-\d{2}$")


@dataclass
class Corpus:
    docs: list[Doc]
    gold: list[Mention]
    running: dict[str, list[tuple[int, int]]]  # doc -> character spans of running-text lines


def parse(text: str, prefix: str = "conll03") -> Corpus:
    """IOB1 CoNLL-2003 text -> documents, gold mentions (MISC included) and running-text spans."""
    articles: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for line in text.splitlines() + [""]:
        if line.startswith("-DOCSTART-") or not line.strip():
            if sentence:
                articles[-1].append(sentence)
            sentence = []
            if line.startswith("-DOCSTART-"):
                articles.append([])
        else:
            parts = line.split()
            sentence.append((parts[0], parts[-1]))
    docs, gold, running = [], [], {}
    for n, sentences in enumerate(a for a in articles if a):
        doc_id = f"{prefix}-{n + 1:03d}"
        text, offsets = _text(sentences)
        docs.append(Doc(doc_id, text))
        gold += _entities(doc_id, sentences, offsets)
        lines = [(offs[0][0], offs[-1][1]) for offs in offsets]
        running[doc_id] = [lines[i] for i in running_lines([[t for t, _ in s] for s in sentences])]
    return Corpus(docs, gold, running)


def _text(sentences: list[list[tuple[str, str]]]) -> tuple[str, list[list[tuple[int, int]]]]:
    out, offsets, pos = [], [], 0
    for s in sentences:
        line_offsets = []
        for i, (tok, _) in enumerate(s):
            if i:
                pos += 1
            line_offsets.append((pos, pos + len(tok)))
            pos += len(tok)
        out.append(" ".join(t for t, _ in s))
        offsets.append(line_offsets)
        pos += 1  # the newline
    return "\n".join(out), offsets


def _entities(doc_id: str, sentences, offsets) -> list[Mention]:
    """IOB1: I-X continues an X entity, B-X starts a new one right after another X."""
    found = []
    for s, offs in zip(sentences, offsets):
        current = None  # [label, start, end]
        for (_, tag), (b, e) in zip(s, offs):
            label = tag[2:] if tag != "O" else None
            if label and current and current[0] == label and not tag.startswith("B-"):
                current[2] = e
                continue
            if current:
                found.append(Mention(doc_id, current[1], current[2], current[0]))
            current = [label, b, e] if label else None
        if current:
            found.append(Mention(doc_id, current[1], current[2], current[0]))
    return found


def running_lines(lines: list[list[str]]) -> list[int]:
    """Indices of the running-text lines of an article, the same for gold and predictions.

    Left out: the header (the first line, and every line up to a dateline such as
    'OSLO 1999-01-02' when one ends one of the first four lines) and table-like lines, i.e.
    lines with fewer than three lower-case words (of two letters or more) or with more tokens
    holding a digit than lower-case words ('Attendance : 1,200', '1. Anna Berg ( Norway ) 12.40
    seconds', 'Bergen 210-5').
    """
    header = next((i for i, toks in enumerate(lines[:4]) if toks and DATELINE.match(toks[-1])), 0)
    keep = []
    for i, toks in enumerate(lines):
        if i <= header:
            continue
        words = sum(1 for t in toks if len(t) >= 2 and t.isalpha() and t[0].islower())
        digits = sum(1 for t in toks if any(c.isdigit() for c in t))
        if words >= 3 and digits <= words:
            keep.append(i)
    return keep


def load(root: Path) -> Corpus | None:
    path = root / "conll2003" / "eng.testa"
    return parse(path.read_text(encoding="utf-8")) if path.exists() else None


def score(corpus: Corpus, product: list[Mention], floor: list[Mention]) -> tuple[list[dict], dict]:
    """Rows of the table and the full detail (per class P/R/F1) for both scopes."""
    rows, details = [], {}
    for scope, pick in (("all text", lambda ms: ms), ("running text", lambda ms: inside(ms, corpus.running))):
        gold = pick(corpus.gold)
        ours, base = exact_prf(gold, pick(product), LABELS), exact_prf(gold, pick(floor), LABELS)
        details[scope] = {"newskg": ours, "floor": base}
        for k, name in (("p", "precision"), ("r", "recall"), ("f1", "F1")):
            support = ours["micro"]["pred" if k == "p" else "gold"]
            rows.append(row(TITLE, f"PER/ORG/LOC exact {name}, micro ({scope})", ours["micro"][k],
                            base["micro"][k], support))
        for label in LABELS:
            rows.append(row(TITLE, f"{label} exact F1 ({scope})", ours[label]["f1"], base[label]["f1"],
                            ours[label]["gold"]))
    return rows, details
