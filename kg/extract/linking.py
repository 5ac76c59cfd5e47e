"""Tie times and quantities to the events of their sentence, and quantities to place and actor.

Runs while the Doc is still alive, so it can follow the dependency parse; what it returns are
plain records. A time or quantity attaches to an event when the parse links them (the time's
head chain reaches the trigger), or when it is the only event of the sentence. A time belongs to
the event whose trigger governs it most closely: "since Russia's invasion in February 2022" dates
the invasion, not the clause around it. A dateline ("KYIV, June 11 -") is the last resort, after
the sentence's own time. Money and percentages (quantities.is_measure) are data of the article,
not numbers of an event, so they attach to no event and get no place or actor, except events of
change and exchange (kg/data/triggers.yaml `measured_classes`: "shares fell 3%").
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract.doctext import sentence_of, text_of
from kg.extract.quantities import is_measure
from kg.extract.triggers import load_lexicon
from kg.ontology import coarse_of
from kg.records import EventRecord, Mention, Quantity, QuantityFacts, TimeValue

MAX_HOPS = 4
MAX_GOVERNING_HOPS = 12  # a sentence's parse is shallower than this
# A dateline: a capitalized place (and region) at the start of a line, then the date and a dash.
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][A-Z .'-]*(?:,[ \t]*[A-Za-z .'-]+)?,[ \t]*$")
_DATELINE_AFTER = re.compile(r"^[ \t]*(?:-|–|—|\(\w+\)\s*[-–—])")


def _token(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return None if span is None else span.root


def _reaches(token: Token | None, target: Token | None, hops: int = MAX_HOPS) -> bool:
    while token is not None and hops >= 0:
        if token.i == target.i:
            return True
        if token.head.i == token.i:
            return False
        token, hops = token.head, hops - 1
    return False


def _hops(token: Token | None, target: Token | None, limit: int = MAX_GOVERNING_HOPS) -> int | None:
    """Steps up the head chain from token to target, or None if target does not govern token."""
    hops = 0
    while token is not None and target is not None and hops <= limit:
        if token.i == target.i:
            return hops
        if token.head.i == token.i:
            return None
        token, hops = token.head, hops + 1
    return None


def _right_after(doc: Doc, time: TimeValue, trigger: Token | None) -> bool:
    """Is the time a PP right after a nominal trigger ('the invasion in February 2022')?"""
    first = doc.char_span(time.start, time.end, alignment_mode="expand")
    if trigger is None or first is None or trigger.pos_ not in ("NOUN", "PROPN"):
        return False
    prep = first[0] if first[0].pos_ == "ADP" else (doc[first.start - 1] if first.start else None)
    return prep is not None and prep.pos_ == "ADP" and prep.i == trigger.i + 1


def is_dateline(doc: Doc, time: TimeValue) -> bool:
    """'KYIV, June 11 - ...': the date of the dispatch, not of what the sentence tells."""
    if time.start is None:
        return False
    line_start = text_of(doc).rfind("\n", 0, time.start) + 1
    return bool(_DATELINE_BEFORE.search(text_of(doc)[line_start:time.start])
                and _DATELINE_AFTER.match(text_of(doc)[time.end:time.end + 12]))


def _own_times(doc: Doc, events: list[EventRecord], times: list[TimeValue]) -> dict[int, list]:
    """For each event (by index), the times whose closest governing event trigger is its own,
    best first: fewest hops, then a dated value, then the nearest; a dateline last."""
    triggers = [_token(doc, ev.trigger_start, ev.trigger_end) for ev in events]
    owned: dict[int, list] = {}
    for t in times:
        if t.start is None:
            continue
        root = _token(doc, t.start, t.end)
        best = None
        for k, ev in enumerate(events):
            if not (ev.sentence[0] <= t.start and t.end <= ev.sentence[1]):
                continue
            hops = _hops(root, triggers[k])
            if _right_after(doc, t, triggers[k]):  # "invasion in February 2022", however parsed
                hops = 0
            if hops is not None and (best is None or hops < best[0]):
                best = (hops, k)
        if best is not None:
            hops, k = best
            key = (is_dateline(doc, t), hops, t.value is None, abs(t.start - events[k].trigger_start))
            owned.setdefault(k, []).append((key, t))
    return {k: [t for _, t in sorted(pairs, key=lambda p: p[0])] for k, pairs in owned.items()}


def _pick(doc: Doc, ev: EventRecord, items: list, spans, single: bool):
    """The item the parse ties to the trigger; else, for the only event of a sentence, the nearest."""
    trigger = _token(doc, ev.trigger_start, ev.trigger_end)
    inside = [it for it, (s, e) in zip(items, spans) if ev.sentence[0] <= s and e <= ev.sentence[1]]
    spans_in = [(s, e) for s, e in spans if ev.sentence[0] <= s and e <= ev.sentence[1]]
    for it, (s, e) in zip(inside, spans_in):
        if trigger is not None and (_reaches(_token(doc, s, e), trigger) or _reaches(trigger, _token(doc, s, e), 1)):
            return it
    if single and inside:
        return min(zip(inside, spans_in), key=lambda p: abs(p[1][0] - ev.trigger_start))[0]
    return None


def _ancestors(tok: Token) -> list[Token]:
    chain = [tok]
    while chain[-1].head.i != chain[-1].i and len(chain) <= MAX_GOVERNING_HOPS:
        chain.append(chain[-1].head)
    return chain


def _phrase_times(doc: Doc, events: list[EventRecord], free: list[TimeValue]) -> dict[int, TimeValue]:
    """A time no trigger governs, shared with one event inside a phrase below the clause's verb:
    'in the face of the advance of ISIS in 2014, the army has undergone a restructuring' dates
    the advance (the time and the advance meet in 'the near-disintegration ...'), not the
    restructuring (they meet only at the verb)."""
    out: dict[int, TimeValue] = {}
    triggers = [_token(doc, ev.trigger_start, ev.trigger_end) for ev in events]
    for t in free:
        root = _token(doc, t.start, t.end) if t.start is not None else None
        if root is None or is_dateline(doc, t):
            continue
        above = {a.i: depth for depth, a in enumerate(reversed(_ancestors(root)))}
        best: list[tuple[int, int]] = []  # (depth of the meeting word, event index)
        for k, ev in enumerate(events):
            if triggers[k] is None or not (ev.sentence[0] <= t.start and t.end <= ev.sentence[1]):
                continue
            meet = next((a for a in _ancestors(triggers[k]) if a.i in above), None)
            if meet is not None and meet.pos_ not in ("VERB", "AUX"):
                best.append((above[meet.i], k))
        best.sort(reverse=True)
        if best and (len(best) == 1 or best[0][0] > best[1][0]) and best[0][1] not in out:
            out[best[0][1]] = t
    return out


def _quantity_owners(doc: Doc, events: list[EventRecord], quantities: list[Quantity]) -> dict[int, int]:
    """Each quantity's own event: the first trigger up its head chain ('after China Eastern bought
    20 jets for $1.4 billion, shares fell 3%': the money is the purchase's, the 3% the fall's)."""
    at = {}
    for k, ev in enumerate(events):
        tok = _token(doc, ev.trigger_start, ev.trigger_end)
        if tok is not None:
            at.setdefault(tok.i, k)
    owners = {}
    for q in quantities:
        tok = _token(doc, q.start, q.end)
        for _ in range(MAX_GOVERNING_HOPS):
            if tok is None or tok.head.i == tok.i:
                break
            tok = tok.head
            if tok.i in at:
                owners[id(q)] = at[tok.i]
                break
    return owners


def attach(doc: Doc, events: list[EventRecord], times: list[TimeValue],
           quantities: list[Quantity]) -> list[EventRecord]:
    """Events with their time and quantities filled in."""
    per_sentence: dict[tuple[int, int], int] = {}
    for ev in events:
        per_sentence[ev.sentence] = per_sentence.get(ev.sentence, 0) + 1
    owned = _own_times(doc, events, times)
    taken = {id(t) for ts in owned.values() for t in ts}
    free = [t for t in times if id(t) not in taken]  # times no event trigger governs
    in_phrase = _phrase_times(doc, events, free)
    counts = [q for q in quantities if not is_measure(q)]
    measured = load_lexicon().words("measured_classes")  # events that also take money and percentages
    owners = _quantity_owners(doc, events, quantities)
    out = []
    for k, ev in enumerate(events):
        single = per_sentence[ev.sentence] == 1
        mine = owned.get(k, [])
        own = [t for t in mine if not is_dateline(doc, t)]
        loose = [t for t in free if not is_dateline(doc, t)]
        # a dateline only when nothing else of the sentence dates the event
        time = ev.time or (own[0] if own else None) or _pick(
            doc, ev, loose, [(t.start, t.end) for t in loose], single) or in_phrase.get(k) or (
            mine[0] if mine else None) or _pick(doc, ev, free, [(t.start, t.end) for t in free], single)
        pool = quantities if ev.type.lower() in measured else counts
        qs = [q for q in pool if ev.sentence[0] <= q.start and q.end <= ev.sentence[1]
              and owners.get(id(q), k) == k]
        if not single:
            qs = [q for q in qs if owners.get(id(q)) == k or _pick(doc, ev, [q], [(q.start, q.end)], False)]
        out.append(replace(ev, time=time, quantities=ev.quantities or tuple(qs)))
    return out


def quantity_facts(doc: Doc, quantities: list[Quantity], mentions: list[Mention],
                   times: list[TimeValue]) -> list[QuantityFacts]:
    """Where, whose and when for each quantity, from the words around it."""
    out = []
    places = [m for m in mentions if coarse_of(m.kind) == "Place"]
    for q in quantities:
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            continue
        sent = sentence_of(doc, span.start)
        when = [t for t in times if t.start is not None and sent.start_char <= t.start < sent.end_char
                and t.value]
        time = next((t for t in when if not is_dateline(doc, t)), when[0] if when else None)
        if is_measure(q):  # money, percent: when, but no place or actor of a count
            out.append(QuantityFacts(q, (sent.start_char, sent.end_char), None, None, time))
            continue
        place = _place_after(doc, span, places)
        actor = next((m.span for m in places if q.start <= m.start and m.end <= q.end), None)
        if actor is None:  # "the U.S. maintained roughly 2,500 troops": the verb's subject
            verb = span.root.head
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            hit = subj and next((m for m in places if m.start <= subj.idx < m.end), None)
            actor = hit.span if hit else None
        out.append(QuantityFacts(q, (sent.start_char, sent.end_char), place, actor, time))
    return out


def _place_after(doc: Doc, span, places: list[Mention]) -> tuple[int, int] | None:
    """'2,500 troops in Iraq', '900 in neighboring Syria', '2,000 troops will remain in Iraq'."""
    window = doc[span.end: min(len(doc), span.end + 6)]
    for i, tok in enumerate(window):
        if tok.text in (",", ";", ".") or (tok.pos_ == "CCONJ" and i > 0):
            return None
        if tok.lower_ in ("in", "inside", "within", "to"):
            for nxt in window[i + 1:]:
                hit = next((m for m in places if m.start <= nxt.idx < m.end), None)
                if hit:
                    return hit.span
                if nxt.pos_ not in ("ADJ", "DET", "VERB"):
                    break
    return None
