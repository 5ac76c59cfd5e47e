"""Error categories with short examples, for a developer reading a run (`--errors`).

They quote corpus text, so they are written only into the work folder, never into the
repository (bench/results holds numbers only).
"""

from __future__ import annotations

from collections import Counter

from bench.quality.common import Mention, by_doc, overlaps

TOP = 12


def _text(texts: dict[str, str], m: Mention) -> str:
    return " ".join(texts[m.doc][m.start:m.end].split())[:60]


def entity_errors(gold: list[Mention], pred: list[Mention], texts: dict[str, str]) -> dict:
    """Missed gold names and wrong predictions, each by kind: none overlapping, boundary (same
    type, other span), type (same span or overlap, other type)."""
    gi, pi = by_doc(set(gold)), by_doc(set(pred))

    def kind(m: Mention, others: dict[str, list[Mention]]) -> str:
        near = [o for o in others.get(m.doc, ()) if overlaps((m.start, m.end), (o.start, o.end))]
        if not near:
            return "none overlapping"
        if any(o.label == m.label and (o.start, o.end) == (m.start, m.end) for o in near):
            return "correct"
        if any(o.label == m.label for o in near):
            return "boundary"
        return "type " + "/".join(sorted({o.label for o in near}))

    out = {}
    for side, items, others in (("missed gold", gold, pi), ("wrong predictions", pred, gi)):
        cats: dict[str, Counter] = {}
        for m in sorted(set(items)):
            k = kind(m, others)
            if k != "correct":
                cats.setdefault(f"{m.label}: {k}", Counter())[_text(texts, m)] += 1
        out[side] = {k: {"count": sum(c.values()), "examples": c.most_common(TOP)}
                     for k, c in sorted(cats.items(), key=lambda kv: -sum(kv[1].values()))}
    return out


def time_errors(gold, pred: list[Mention], texts: dict[str, str]) -> dict:
    """TIMEX3 missed (by type), found with no value, with another value (gold -> product)."""
    index = by_doc(pred)
    cats: dict[str, Counter] = {}
    for t in gold:
        near = [p for p in index.get(t.mention.doc, ()) if overlaps((p.start, p.end), (t.mention.start, t.mention.end))]
        if not near:
            k, ex = f"missed {t.type}", _text(texts, t.mention)
        elif any(p.label == t.value for p in near):
            continue
        elif not any(p.label for p in near):
            k, ex = f"found, no value ({t.type})", _text(texts, t.mention)
        else:
            k, ex = f"other value ({t.type})", f"{_text(texts, t.mention)}: {t.value} -> {near[0].label}"
        cats.setdefault(k, Counter())[ex] += 1
    gi = by_doc(t.mention for t in gold)
    for p in pred:
        if not any(overlaps((p.start, p.end), (g.start, g.end)) for g in gi.get(p.doc, ())):
            cats.setdefault("predicted, no gold", Counter())[_text(texts, p)] += 1
    return {k: {"count": sum(c.values()), "examples": c.most_common(TOP)}
            for k, c in sorted(cats.items(), key=lambda kv: -sum(kv[1].values()))}


def event_errors(articles, events, classes: tuple[str, ...]) -> dict:
    """Gold events missed (by class and word), caught only by a catch-all event, and product
    events on no gold event (by product class and word)."""
    cats: dict[str, Counter] = {}
    by = by_doc(Mention(e.doc, e.start, e.end, "specific" if e.specific else "catch-all", key="|".join(e.classes))
                for e in events)
    gold_index = {}
    for a in articles:
        text = a.doc.text
        gold_index[a.doc.id] = [g.mention for g in a.events]
        for g in a.events:
            m = g.mention
            if m.label not in classes or not a.dense[0] <= m.start < a.dense[1]:
                continue
            near = [p for p in by.get(a.doc.id, ()) if overlaps((p.start, p.end), (m.start, m.end))]
            if any(p.label == "specific" for p in near):
                continue
            k = f"missed {m.label}" + (" (catch-all only)" if near else "")
            cats.setdefault(k, Counter())[text[m.start:m.end].lower()] += 1
    texts = {a.doc.id: a.doc.text for a in articles}
    dense = {a.doc.id: a.dense for a in articles}
    for e in events:
        b, x = dense.get(e.doc, (0, 0))
        on_gold = any(overlaps((e.start, e.end), (g.start, g.end)) for g in gold_index.get(e.doc, ()))
        if b <= e.start < x and not on_gold:
            cls = ",".join(c.rsplit("#", 1)[-1] for c in e.classes)
            word = texts[e.doc][e.start:e.end].lower()
            cats.setdefault(f"product event on no gold event: {cls}", Counter())[word] += 1
    return {k: {"count": sum(c.values()), "examples": c.most_common(TOP)}
            for k, c in sorted(cats.items(), key=lambda kv: -sum(kv[1].values()))}


def relation_errors(gold, relations, mentions: list[Mention], texts: dict[str, str]) -> dict:
    """CoNLL04 pairs missed (by type) and product pairs matching no gold pair (by type)."""
    from bench.quality.conll04 import pairs

    cats: dict[str, Counter] = {}
    found = set()
    for p in pairs(relations, mentions):
        hits = [g for g in gold if p.matches(g)]
        found.update(hits)
        if not hits:
            first, second = (_text(texts, side[0]) if side else "?" for side in (p.subject, p.object))
            ends = f"{first} -> {second}"
            cats.setdefault(f"wrong {p.type}", Counter())[ends] += 1
    for g in gold:
        if g not in found:
            pair = f"{_text(texts, g.subject)} -> {_text(texts, g.object)}"
            cats.setdefault(f"missed {g.type}", Counter())[pair] += 1
    return {k: {"count": sum(c.values()), "examples": c.most_common(TOP)}
            for k, c in sorted(cats.items(), key=lambda kv: -sum(kv[1].values()))}
