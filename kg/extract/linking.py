"""Tie times and quantities to the events of their sentence, and quantities to place and actor.

Runs while the Doc is still alive, so it can follow the dependency parse; what it returns are
plain records. An event's time is the time expression of its own clause: the trigger that
governs the time most closely ("since Russia's invasion in February 2022" dates the invasion), or
the event of the clause whose verb governs it ("held talks on Tuesday"). A time inside another
clause or naming another thing ("citing the 2008 agreement") dates nothing here. A dateline
("KYIV, June 11 -") is the last resort of the text; failing that, an event takes its article's
publication date, marked as such (TimeValue.source), so every event of a dated article has a time.
A quantity attaches when the parse links it to the trigger, or to the only event of a sentence.
Money and percentages (quantities.is_measure) are data of the article, not numbers of an event,
so they get no place or actor, and attach only to events of change and exchange
(kg/data/triggers.yaml `measured_classes`: "shares fell 3%").
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract.doctext import sentence_of, text_of
from kg.extract.quantities import is_measure
from kg.extract.triggers import load_lexicon
from kg.ontology import coarse_of
from kg.records import (
    FROM_PUBLICATION,
    EventRecord,
    Mention,
    Quantity,
    QuantityFacts,
    TimeValue,
)

MAX_HOPS = 4
MAX_GOVERNING_HOPS = 12  # a sentence's parse is shallower than this
# Dependencies that open a clause of its own: a time below one of them belongs to that clause.
CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "parataxis",
                         "csubj", "csubjpass", "pcomp"})
# A time attached to a noun by these ("the 2008 agreement", "Tuesday's vote") names that thing.
NOUN_MODIFIER_DEPS = frozenset({"compound", "nummod", "amod", "poss", "nmod", "appos"})
_ISO_KIND = {4: "gYear", 7: "gYearMonth", 10: "date"}
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


def _clause_head(token: Token) -> Token:
    """The verb heading the token's clause (the token itself for a verb), else the sentence root."""
    hops = 0
    while hops <= MAX_GOVERNING_HOPS:
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass"):
            return token
        if token.head.i == token.i:
            return token
        token, hops = token.head, hops + 1
    return token


def _owner(doc: Doc, time: TimeValue, events: list[EventRecord], triggers: list) -> tuple[int, int] | None:
    """(event index, hops) of the event whose clause holds the time, or None: up the head chain,
    the first trigger wins; a clause head that is no trigger hands the time to the nearest event
    of its own clause; a noun the time modifies, or a clause with no event, keeps it."""
    root = _token(doc, time.start, time.end)
    in_sentence = [k for k, ev in enumerate(events) if ev.sentence[0] <= time.start and time.end <= ev.sentence[1]]
    for k in in_sentence:
        if _right_after(doc, time, triggers[k]):  # "invasion in February 2022", however parsed
            return k, 0
    by_token = {triggers[k].i: k for k in in_sentence if triggers[k] is not None}
    for k in in_sentence:  # "on January 28, 2024, when a drone killed three soldiers"
        trig = triggers[k]
        if trig is not None and trig.dep_ == "relcl" and time.start <= trig.head.idx < time.end:
            return k, 1
    token, child, hops = root, None, 0
    while token is not None and hops <= MAX_GOVERNING_HOPS:
        if child is not None and _before_reported_subject(token, time):
            token, child, hops = token.head, token, hops + 1  # "said on Monday it had retaken ..."
            continue
        if token.i in by_token and token is not root:
            return by_token[token.i], hops
        if child is not None and token.pos_ in ("VERB", "AUX") and child.dep_ not in ("aux", "auxpass"):
            same = [k for k in in_sentence if triggers[k] is not None and _clause_head(triggers[k]).i == token.i]
            if same:
                return min(same, key=lambda k: abs(events[k].trigger_start - time.start)), hops
            if token.dep_ in ("relcl", "acl") and token.head.i in by_token:
                return by_token[token.head.i], hops + 1  # "the strike that killed him in 2020"
            if token.dep_ in CLAUSE_DEPS and _finite(token):
                return None  # a clause of its own, with no event in it
        elif child is not None and token.pos_ in ("NOUN", "PROPN") and child.dep_ in NOUN_MODIFIER_DEPS:
            return None  # "the 2008 agreement": the time names the thing, not the clause's event
        if token.head.i == token.i:
            return None
        token, child, hops = token.head, token, hops + 1
    return None


def _finite(verb: Token) -> bool:
    """A clause with a subject of its own ('who met him in May'); a participle or infinitive
    ('led by him', 'starting in October') is part of the clause around it."""
    return verb.dep_ in ("ROOT", "relcl") or any(
        c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children)


def _before_reported_subject(verb: Token, time: TimeValue) -> bool:
    """A time between a verb of saying and the subject of what was said belongs to the saying,
    however the parser hung it: 'the army said on Monday it had retaken the town'."""
    if verb.dep_ != "ccomp" or verb.head.i > verb.i:
        return False
    subjects = [c.idx for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
    return bool(subjects) and verb.head.idx < time.start and time.end <= min(subjects)


def _own_times(doc: Doc, events: list[EventRecord], times: list[TimeValue]) -> dict[int, list]:
    """For each event (by index), the times of its own clause, best first: not a dateline, fewest
    hops, a dated value, then the nearest."""
    triggers = [_token(doc, ev.trigger_start, ev.trigger_end) for ev in events]
    owned: dict[int, list] = {}
    for t in times:
        if t.start is None:
            continue
        found = _owner(doc, t, events, triggers)
        if found is not None:
            k, hops = found
            key = (is_dateline(doc, t), hops, t.value is None, abs(t.start - events[k].trigger_start))
            owned.setdefault(k, []).append((key, t))
    return {k: [t for _, t in sorted(pairs, key=lambda p: p[0])] for k, pairs in owned.items()}


def publication_time(published: str | None) -> TimeValue | None:
    """The article's date standing in for an event's own: '2021-12-03T10:00Z' -> 2021-12-03."""
    value = (published or "").strip()[:10]
    if len(value) not in _ISO_KIND or not value[:4].isdigit():
        return None
    return TimeValue(text=value, value=value, datatype=_ISO_KIND[len(value)], timex=value,
                     type="DATE", source=FROM_PUBLICATION)


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
           quantities: list[Quantity], published: str | None = None) -> list[EventRecord]:
    """Events with their time and quantities filled in; `times` are those that can date an event
    (not durations or sets), `published` the article's date, for events with no time of their own."""
    per_sentence: dict[tuple[int, int], int] = {}
    for ev in events:
        per_sentence[ev.sentence] = per_sentence.get(ev.sentence, 0) + 1
    owned = _own_times(doc, events, times)
    datelines = [t for t in times if is_dateline(doc, t)]
    fallback = publication_time(published)
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
        dateline = next((t for t in datelines if ev.sentence[0] <= t.start < ev.sentence[1]), None)
        time = ev.time or (mine[0] if mine else None) or in_phrase.get(k) or dateline or fallback
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
