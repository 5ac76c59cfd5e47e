"""Time expressions of an article: where they are, and their TimeML and calendar values.

Spans come from the model's DATE and TIME entities, plus the words the model leaves out but
TimeML counts as times ("now", "recently", "soon", "daily", "every week"). Each span gets a TimeML
value from kg.extract.timeml, anchored to the publication date, with the tense of the verb that
governs it deciding which way a bare "August" or "Friday" points. A calendar value (xsd:date,
gYearMonth, gYear) is derived from the TimeML value where one exists.

Relative expressions are resolved only against the article's publication date, never without
one: "last June" in an undated article keeps its text and type but gets no value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from kg.extract.doctext import entities, sentence_of, text_of
from kg.extract.timeml import FUTURE, PAST, evaluate
from kg.extract.timex_calendar import calendar_value
from kg.extract.timex_lexicon import alternation, timex_lexicon
from kg.records import TimeValue

# Entity labels read by find_times; other labels are read only when they hold a full calendar date.
TIME_LABELS = ("DATE", "TIME")
DATING_TYPES = ("DATE", "TIME")  # the TimeML types that place something in time
_DIGIT = re.compile(r"\d")
_LEADING = re.compile(r"^(?:(?:in|on|at|during|by|since|until|till|from|through|for|of|over|between|"
                      r"before|after|within)\s+)+", re.IGNORECASE)
_FUTURE_AUX = frozenset({"will", "'ll", "wo", "shall"})  # not "would", "could": reported or unreal
_PAST_TAGS = frozenset({"VBD"})
# Words the model rarely tags, as TimeML counts them: deictic adverbs and repetition.
_EXTRA_WORDS = ("now", "right now", "just now", "currently", "presently", "nowadays", "these days",
                "recently", "lately", "previously", "formerly", "soon", "shortly", "the future",
                "the near future", "the past", "earlier", "the near term", "the short term",
                "the long term", "at present", "more recently", "current", "recent")
_ADJECTIVES = frozenset({"current", "recent"})  # times only before a noun: "the current crisis"
_ANCHORED_SPAN = re.compile(r"^(?:(?:in|during|over|within|for)\s+)?(?:the\s+)?(?:past|last|previous|next|coming)\s", re.IGNORECASE)
_USES_REFERENCE = re.compile(r"\b(?:ago|earlier|later|before|after|previous|following|next|period|quarter|"
                             r"year|day)\b", re.IGNORECASE)
_ANAPHORIC = re.compile(r"\b(?:ago|earlier|later|before|after|previous|following|next)\b", re.IGNORECASE)
# Where the model's entity holds two times: "Sept. 14 to Thursday", "the year ended Sept. 30".
_JOINS = re.compile(r"\s+(?:to|through|until|till|and|-|–|—|ended|ending|ends|that ended)\s+|(?<=\d)[-–—](?=\d)"
                    r"|\s+of\s+(?=\d{4}\b|(?:the|last|this|next) year\b)", re.IGNORECASE)
# Durations the model leaves out: "at least 20 more years", "over a week", "two to six days".
_COUNTED_WORDS = (r"(?:\d+(?:[.,]\d+)?|(?:{number})(?:[\s-]+(?:{number}))*|a few|a couple of|several"
                  r"|an?(?=\s+(?!second\b)))")  # not "a second plant"


def _as_date(published: dt.date | dt.datetime | str | None) -> dt.date | None:
    """The anchor of relative times; a partial date ('2021-12', '2021') anchors nothing."""
    if published is None or type(published) is dt.date:
        return published
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, str):
        value = published.strip()
        if re.fullmatch(r"\d{4}(?:-\d{2})?", value):
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise ValueError(f"publication date {published!r} is not ISO 8601") from exc
    raise TypeError(f"publication date must be a date, not {type(published).__name__}")


def normalize(text: str, published: dt.date | str | None = None, *, start: int | None = None,
              end: int | None = None, tense: str | None = None, reference: str | None = None,
              preposition: str | None = None, sentence: tuple[int, int] | None = None) -> TimeValue:
    """Normalize one time expression. ``value`` (the calendar value) is None when it is a
    duration, a set, vague, or relative with no publication date; ``timex`` is its TimeML value.
    Offsets, when given, describe ``text`` and follow its trimming."""
    if (start is None) != (end is None):
        raise ValueError("give both start and end offsets, or neither")
    if start is not None and end - start != len(text):
        raise ValueError(f"offsets {start}:{end} do not span the {len(text)} characters of {text!r}")
    trimmed = text.strip()
    if start is not None and trimmed:
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
    anchor = _as_date(published)
    try:
        found = evaluate(trimmed, anchor, tense, reference, preposition) if trimmed else None
    except (ValueError, KeyError, IndexError, OverflowError):  # an odd form must not cost the article
        found = None
    if found is None:
        return TimeValue(text=trimmed, start=start, end=end, sentence=sentence)
    calendar = calendar_value(found.value) if found.type in DATING_TYPES else None
    if found.value == "PRESENT_REF" and anchor is not None:  # "now": the day the article speaks of
        calendar = (anchor.isoformat(), "date")
    value, datatype = calendar if calendar else (None, None)
    return TimeValue(text=trimmed, value=value, datatype=datatype, start=start, end=end,
                     timex=found.value, type=found.type, mod=found.mod, sentence=sentence)


def is_non_time(time: TimeValue) -> bool:
    """A duration, a set, an age or a yearless holiday: nothing is dated by it. A duration that
    reaches back or ahead from now ('in the previous 24 hours') does place what happened in it."""
    if time.type == "DURATION":
        return not _ANCHORED_SPAN.match(time.text)
    if time.type == "SET":
        return True
    if time.type is None:
        return _is_age(time.text) or _is_unit_count(time.text)
    return False


def dates_something(time: TimeValue) -> bool:
    """Can this time be the time of an event (a date, a time of day, or a vague date)?"""
    return not is_non_time(time)


def _is_age(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in timex_lexicon().age_markers)


def _is_unit_count(text: str) -> bool:
    """'hours', 'three and a half years', 'months-long'; or a holiday with no calendar rule."""
    lex = timex_lexicon()
    count = rf"(?:[\d.,/]+|{lex.number_word}|{alternation(lex.vague_counts)}|and|half|or|to|more|than|nearly|about)"
    lowered = text.lower().strip()
    return bool(re.fullmatch(rf"(?:{count}[\s-]+)*(?:{lex.unit})(?:[\s-]+long)?", lowered)) or (
        lex.holidays.get(lowered, "") is None)


# --- finding them in a parsed article ----------------------------------------------------

def find_times(doc: Doc, published: dt.date | str | None = None) -> list[TimeValue]:
    """Time expressions of a parsed Doc, in text order, each with its sentence and values.

    An entity with no value of its own but with calendar dates inside ("between 2014 and 2017")
    yields those dates with their own offsets. An entity of another label counts only when it is
    a full date or month ("9 September 2021" tagged EVENT), never a bare number like "2000".
    """
    anchor = _as_date(published)
    spans = _candidate_spans(doc)
    found: list[TimeValue] = []
    reference = None
    for start, end, is_time in spans:
        text = text_of(doc)[start:end]
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        sent = sentence_of(doc, span.start)
        sentence = (sent.start_char, sent.end_char)
        # Other labels get no publication date: "May" as a PERSON must not become a month.
        # Only the cues an expression can use, so that the same words hit the same cached value.
        preposition = _preposition_before(doc, span)
        cues = {"tense": tense_of(span), "sentence": sentence,
                "reference": reference if _USES_REFERENCE.search(text) else None,
                "preposition": preposition if preposition in ("since", "until", "till") else None}
        time = normalize(text, anchor if is_time else None, start=start, end=end, **cues)
        if not is_time:
            if time.datatype in ("date", "gYearMonth"):
                found.append(time)
            continue
        if time.timex is None:
            parts = _parts(text, start, anchor, cues)
            if parts or _skip_unvalued(time):
                found.extend(parts)
                continue
        if time.type == "DURATION" and _is_age(text) and time.timex:
            continue  # an age: a property of a person, not a time of the story
        found.append(time if time.type else replace(time, type="DATE"))  # a date we cannot place
        if time.type in DATING_TYPES and time.timex and time.timex[:1].isdigit() and not _ANAPHORIC.search(text):
            reference = time.timex
    return sorted(found, key=lambda t: (t.start, t.end))


def _skip_unvalued(time: TimeValue) -> bool:
    """A bare number the model called a date ('Kopp, 44,'), an age, or a count of units."""
    return bool(re.fullmatch(r"[\d.,]+", time.text)) or _is_age(time.text) or not _DIGIT.search(time.text) and (
        _is_unit_count(time.text))


def _candidate_spans(doc: Doc) -> list[tuple[int, int, bool]]:
    """(start, end, is a time label) of every time entity, trimmed to TimeML's extent (no leading
    preposition, no possessive), plus the extra time words outside them."""
    text = text_of(doc)
    out, taken = [], []
    for ent in entities(doc):
        is_time = ent.label_ in TIME_LABELS
        if not is_time and not _DIGIT.search(ent.text):
            continue  # every full date or month has a year in digits
        start, end = ent.start_char, ent.end_char
        if is_time:
            lead = _LEADING.match(text, start, end)
            if lead and lead.end() < end:
                start = lead.end()
            if text[start:end].lower().endswith(("'s", "\u2019s")):
                end -= 2
        out.append((start, end, is_time))
        taken.append((ent.start_char, ent.end_char))
    pattern = _extra_pattern()
    reached = 0
    for at in _extra_starts().finditer(text):  # try the pattern only where one of its phrases can start
        if at.start() < reached:
            continue
        m = pattern.match(text, at.start())
        if m is None:
            continue
        start, end = m.span()
        reached = end
        if any(s < end and start < e for s, e in taken) or not _is_time_word(doc, start, end):
            continue
        out.append((start, end, True))
        taken.append((start, end))
    return _joined(text, sorted(out))


def _joined(text: str, spans: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Widen spans to TimeML's extent: a day part after a weekday ('Tuesday night'), a narrowing
    before a date ('earlier yesterday'), a clock time and its day ('9 a.m. Tuesday')."""
    lex = timex_lexicon()
    out: list[tuple[int, int, bool]] = []
    for start, end, is_time in spans:
        if is_time:
            after = re.match(rf"\s+(?:{lex.day_part})\b", text[end:end + 20], re.IGNORECASE)
            if after and re.search(rf"(?:{lex.weekday}|yesterday|today|tomorrow)$", text[start:end], re.IGNORECASE):
                end += after.end()
            before = re.search(r"\b(?:early|earlier|late|later|every|each)\s+$", text[max(0, start - 10):start],
                               re.IGNORECASE)
            if before:
                start -= len(before.group(0))
        if out and is_time and out[-1][2] and re.fullmatch(r"[ ,]{1,2}|\s+on\s+", text[out[-1][1]:start]) and (
                _CLOCK_END.search(text[out[-1][0]:out[-1][1]])):
            out[-1] = (out[-1][0], end, True)
            continue
        out.append((start, end, is_time))
    return out


_CLOCK_END = re.compile(r"(?:[ap]\.?m\.?|noon|midnight|\d:\d\d)(?:\s+[A-Z]{2,4})?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _extra_starts() -> re.Pattern[str]:
    """Where a phrase of _extra_pattern can start: one of its first words, or a digit."""
    lex = timex_lexicon()
    phrases = [*_EXTRA_WORDS, *lex.sets, *lex.holidays, *lex.number_of, *lex.vague_counts,
               "every", "each", "at least", "more than", "less than", "over", "about", "nearly", "almost",
               "up to", "some"]
    first = alternation({p.split()[0] for p in phrases})
    return re.compile(rf"(?<![\w-])(?:(?:{first})(?![\w-])|\d)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _extra_pattern() -> re.Pattern[str]:
    lex = timex_lexicon()
    words = [*_EXTRA_WORDS, *lex.sets, *(h for h, rule in lex.holidays.items() if rule)]
    units = r"(?:day|week|month|year|quarter|hour|night|morning|evening|" + lex.weekday + "|" + lex.month + ")"
    count = _COUNTED_WORDS.format(number="|".join(w for w in lex.number_of if len(w) > 2))
    bound = r"(?:(?:at least|more than|less than|over|about|nearly|almost|up to|some)\s+)?"
    duration = rf"{bound}{count}\s+(?:more\s+)?(?:{lex.unit})(?:\s+(?:ago|earlier|later))?"
    return re.compile(rf"(?<![\w-])(?:(?:every|each)\s+(?:other\s+)?{units}|{alternation(words)}|{duration})(?![\w-])",
                      re.IGNORECASE)


def _is_time_word(doc: Doc, start: int, end: int) -> bool:
    """The word is used as a time: an adverb or a noun phrase, not 'later versions', 'daily newspaper'."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.lower_ in _ADJECTIVES:
        return root.dep_ == "amod" and root.head.pos_ == "NOUN"
    if root.lower_ in timex_lexicon().sets:
        return root.pos_ == "ADV" or root.dep_ in ("advmod", "npadvmod") or root.lower_ in (
            "daily", "weekly", "monthly", "nightly", "hourly")
    if root.lower_ in ("earlier", "later"):
        nxt = doc[root.i + 1] if root.i + 1 < len(doc) else None
        return root.pos_ == "ADV" and root.dep_ == "advmod" and not (nxt is not None and nxt.lower_ == "than")
    return True


def tense_of(span: Span) -> str | None:
    """PAST or FUTURE from the verb that governs the span (its aspect and auxiliaries), else None.
    A time that names a thing ('the June agreement') says nothing of the clause's tense."""
    root = span.root
    if root.dep_ in ("compound", "poss", "amod", "nmod", "nummod") and root.head.pos_ in ("NOUN", "PROPN"):
        return None
    return tense_of_verb(_governing_verb(root))


def tense_of_verb(verb: Token | None) -> str | None:
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in verb.lefts if c.dep_ in ("aux", "auxpass")]  # English puts them first
    if any(a.lower_ in _FUTURE_AUX or a.lower_ == "going" for a in auxes) or _going_to(verb):
        return FUTURE
    if verb.tag_ == "VB" and any(a.lower_ == "to" for a in auxes):
        head = verb.head if verb.head.i != verb.i else None  # "is scheduled to close Monday"
        return None if tense_of_verb(head) == PAST else FUTURE
    if verb.tag_ in _PAST_TAGS or any(a.tag_ in _PAST_TAGS for a in auxes):
        return PAST
    if verb.tag_ == "VBN" and verb.dep_ == "acl":
        return PAST  # "the record set on Aug. 6", "the quarter ended Oct. 31"
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return PAST  # "has fallen since June"
    return None


def _governing_verb(token: Token) -> Token | None:
    hops = 0
    while hops < 8:
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass"):
            return token
        if token.head.i == token.i:
            return None
        token, hops = token.head, hops + 1
    return None


def _going_to(verb: Token) -> bool:
    return verb.head.lower_ == "going" and verb.dep_ == "xcomp"


def _parts(text: str, offset: int, anchor: dt.date | None, cues: dict) -> list[TimeValue]:
    """The times inside an expression that has no value as a whole: 'between 2014 and 2017',
    'Sept. 14 to Thursday', 'the quarter ended Sept. 30', 'Friday to December' (each part is kept
    only if it has a value of its own)."""
    pieces, at, joins = [], 0, [""]
    for m in _JOINS.finditer(text):
        pieces.append((at, m.start()))
        joins.append(m.group(0).strip().lower())
        at = m.end()
    pieces.append((at, len(text)))
    out = []
    for (b, e), join in zip(pieces, joins) if len(pieces) > 1 else []:
        lead = _LEADING.match(text, b, e)
        b = lead.end() if lead and lead.end() < e else b
        tense = PAST if join.endswith("ended") else cues["tense"]  # "the year ended March 31"
        time = normalize(text[b:e], anchor, start=offset + b, end=offset + e, **{**cues, "tense": tense})
        if time.timex:
            out.append(time)
    return out


def _preposition_before(doc: Doc, span: Span) -> str | None:
    """The preposition that heads the expression: 'since' in 'since Jan. 13'."""
    first = span[0]
    if first.pos_ == "ADP":
        return first.lower_
    before = doc[span.start - 1] if span.start else None
    return before.lower_ if before is not None and before.pos_ in ("ADP", "SCONJ") else None
