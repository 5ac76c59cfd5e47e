"""Event extraction: from a parsed Doc to EventRecords (type, trigger, arguments, status).

A pure function over a spaCy Doc (tagger, parser, lemmatizer, NER). Triggers come from the
lexicon in kg/data/triggers.yaml (kg.extract.triggers), participants from the dependency parse
(kg.extract.arguments), the status from modal and governing words (kg.extract.status). Time and
quantities are left to their own extractors; the lead links them to events by sentence.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from kg.extract.arguments import PARTICIPANT_ROLES, ArgumentFinder
from kg.extract.doctext import sentence_of, text_of
from kg.extract.status import find_status
from kg.extract.triggers import Lexicon, TriggerMatch, load_lexicon, match_triggers, token_matches
from kg.records import Argument, EventRecord, Span

__all__ = ["find_events"]

QUOTE_RE = re.compile(r"“([^”]{8,})”|\"([^\"]{8,})\"")
# Links along which a noun trigger belongs to a verb trigger of the same type ("seized power in a coup").
NOUN_TO_VERB_DEPS = ("pobj", "prep", "dobj", "compound")
MAX_ABSORB_STEPS = 4


def _overlaps(start: int, end: int, spans: tuple[Span, ...]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _clip_sentence(start: int, end: int, skipped: tuple[Span, ...], text: str) -> Span:
    """The sentence without a heading the parser glued to it."""
    for s, e in skipped:
        if s <= start < e:
            start = e
        if s < end <= e:
            end = s
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _participle_head(tok: Token, reporting: frozenset[str]) -> Token | None:
    """'X overran a camp, killing 30': the event the participle clause continues, seen through a
    reporting verb the parser hung it on ('X launched drones, Y said, killing three')."""
    if tok.dep_ != "advcl" or tok.tag_ != "VBG":
        return None
    head = tok.head
    if head.lemma_.lower() in reporting:
        if head.dep_ in ("ccomp", "parataxis") and head.head is not head:
            return head.head
        return next((c for c in head.children if c.dep_ in ("ccomp", "parataxis") and c.i < head.i), None)
    return head


def _absorbed(matches: list[TriggerMatch], reporting: frozenset[str] = frozenset(),
              continues: dict[str, frozenset[str]] | None = None) -> tuple[dict[int, list[TriggerMatch]], set[int]]:
    """One event per happening: 'the drone strike that killed X' and 'seized power in a coup'
    name one attack and one coup. Returns absorbed matches by keeper head index, and the
    head indices that were absorbed."""
    by_head = {m.token.i: m for m in matches}
    keeper_of: dict[int, int] = {}  # absorbed head -> the head that took it

    def absorb(keeper: TriggerMatch, other: TriggerMatch) -> None:
        if keeper.token.i != other.token.i and other.token.i not in keeper_of:
            keeper_of[other.token.i] = keeper.token.i

    for m in matches:
        tok = m.token
        if m.is_verbal:
            # the verb says what a nominal event did: "the strike that killed", "the airstrike killed"
            noun = tok.head if tok.dep_ in ("relcl", "acl") else next(
                (c for c in tok.children if c.dep_ == "nsubj"), None)
            keeper = by_head.get(noun.i) if noun is not None else None
            if keeper is not None and not keeper.is_verbal and keeper.type == m.type:
                absorb(keeper, m)
                continue
            head = _participle_head(tok, reporting) if m.type != "Statement" else None
            keeper = by_head.get(head.i) if head is not None else None
            # "struck a base, wounding four": the wounding is the attack's, as "killing" would be
            same = keeper is not None and (keeper.type == m.type or keeper.type in (continues or {}).get(m.type, ()))
            if same and keeper.token.i not in keeper_of:
                absorb(keeper, m)
            continue
        t = tok
        for _ in range(MAX_ABSORB_STEPS):
            if t.dep_ not in NOUN_TO_VERB_DEPS or t.head is t:
                break
            t = t.head
            keeper = by_head.get(t.i)
            if keeper is not None and keeper.is_verbal and keeper.type == m.type:
                absorb(keeper, m)
                break
    # "the flight will take off for a charity flight": what went into an absorbed match goes
    # on to the match that kept it
    into: dict[int, list[TriggerMatch]] = {}
    for i in sorted(keeper_of):
        root, seen = keeper_of[i], {i}
        while root in keeper_of and root not in seen:
            seen.add(root)
            root = keeper_of[root]
        if root in seen:  # two matches absorbing each other: the first keeps
            del keeper_of[i]
            continue
        into.setdefault(root, []).append(by_head[i])
    return into, set(keeper_of)


def _quote(sentence_text: str, offset: int, trigger: Span) -> str | None:
    """The longest quotation in the sentence outside the trigger, for a Statement."""
    best = None
    for q in QUOTE_RE.finditer(sentence_text):
        body = q.group(1) if q.group(1) is not None else q.group(2)
        start = offset + q.start()
        if start <= trigger[0] < offset + q.end():
            continue
        if best is None or len(body) > len(best):
            best = body
    return best.strip(" ,") if best else None


def _confidence(m: TriggerMatch, args: list[Argument], lex: Lexicon) -> float:
    c = lex.confidence
    if m.is_verbal:
        return c.get("verb_with_required_object", 0.9) if m.required_object is not None else c.get("verb", 0.8)
    if m.required_object is not None or any(a.role in PARTICIPANT_ROLES for a in args):
        return c.get("noun_with_participant", 0.75)
    return c.get("noun", 0.6)


def _names_entity(args: list[Argument], finder: ArgumentFinder) -> bool:
    """A nominal trigger is an event when it names a participant or a place by name ('a truce
    in Gaza', 'the meeting of the Contact Group'), not when it is a bare common noun."""
    return any(a.role in PARTICIPANT_ROLES + ("place",) and (a.start, a.end) in finder.entity_spans for a in args)


def _with_participants(m: TriggerMatch, absorbed: list[TriggerMatch], finder: ArgumentFinder, lex: Lexicon,
                       skipped: tuple[Span, ...]) -> tuple[TriggerMatch | None, list[Argument]]:
    """The match and its arguments; a noun whose entry needs a named participant and has none
    falls back to the word's next sense ('the advance of 3%' is no military advance), else to
    nothing. A verb trigger folded into the noun ('a drone attack ... killed two') vouches for it."""
    candidates = [m] + [alt for alt in token_matches(m.token, lex) if alt.entry is not m.entry
                        and alt.type != m.type and m.entry.needs_participant]
    for cand in candidates:
        args = [a for a in finder.arguments(cand, absorbed) if not _overlaps(a.start, a.end, skipped)]
        if not cand.entry.needs_participant or absorbed or _names_entity(args, finder):
            return cand, args
    return None, []


def _trigger_span(doc: Doc, m: TriggerMatch) -> Span:
    first: Token = doc[m.start]
    last: Token = doc[m.end - 1]
    return first.idx, last.idx + len(last.text)


def find_events(doc: Doc, doc_id: str, skipped: tuple[Span, ...] = ()) -> list[EventRecord]:
    """The events a parsed Doc reports, sorted by trigger offset. Triggers inside `skipped`
    character ranges (headings, page chrome) are ignored, and so are arguments there."""
    if not doc.has_annotation("DEP"):
        raise ValueError(f"document {doc_id!r}: find_events needs a Doc parsed by a pipeline with a parser")
    lex = load_lexicon()
    finder = ArgumentFinder(doc, lex)
    matches = [m for m in match_triggers(doc, lex) if not (skipped and _overlaps(*_trigger_span(doc, m), skipped))]
    finder.trigger_heads = {m.token.i for m in matches}
    absorbed, gone = _absorbed(matches, lex.words("reporting_verbs"), lex.continues)
    records = []
    for m in matches:
        if m.token.i in gone:
            continue
        m, args = _with_participants(m, absorbed.get(m.token.i, []), finder, lex, skipped)
        if m is None:
            continue
        start, end = _trigger_span(doc, m)
        sent = sentence_of(doc, m.token.i)
        sentence = _clip_sentence(sent.start_char, sent.end_char, skipped, text_of(doc))
        is_statement = m.type == "Statement"
        records.append(EventRecord(
            doc_id=doc_id, type=m.type, trigger_start=start, trigger_end=end,
            trigger=text_of(doc)[start:end], sentence=sentence, arguments=tuple(args),
            status=find_status(m.token, m.is_verbal, is_statement, lex, m.type),
            quote=_quote(sent.text, sent.start_char, (start, end)) if is_statement else None,
            confidence=_confidence(m, args, lex),
        ))
    records.sort(key=lambda r: (r.trigger_start, r.trigger_end, r.type))
    return records
