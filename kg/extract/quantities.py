"""Counts in news text -> kg.records.Quantity: 'roughly 2,500 troops', 'thousands of fighters',
'fewer than 2,000 U.S. troops', 'from approximately 5,200 to 3,000 troops' (one change).

Why tokens and not the CARDINAL entities alone: the small model cuts ranges and changes oddly
("approximately 5,200 to 3,000" is one CARDINAL, "Between 2,000" another). So numbers are read
from the tokens, entity labels only veto (dates, money, percentages, laws), and part of speech
and dependency labels decide which words may stand between a number and its noun.
Only units of the lexicon (kg/data/quantities.yaml) are kept, so every Quantity means something
for an event ("two countries", "3 percent" are skipped). A number with no noun of its own ("and
over 900 in Syria") takes the unit of the previous count of its sentence. A span runs from the
qualifier (or "from"/"between") to the unit.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, NamedTuple

from spacy.tokens import Doc, Span

from kg.extract.doctext import lower_tokens, sentences, text_of
from kg.extract.quantity_lexicon import (
    APPROXIMATE,
    LOWER,
    UPPER,
    first_words,
    is_measure,
    qualifier_family,
    quantity_lexicon,
)
from kg.records import Quantity

__all__ = ["find_quantities", "is_measure", "qualifier_family"]

MAX_MODIFIERS = 5  # words allowed between a number and its unit: "2,500 U.S.-led coalition troops"
LONGEST_PHRASE = 4  # tokens in the longest lexicon phrase
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_HYPHENS = ("-", "–", "—")
_MODIFIER_DEPS = ("compound", "amod", "nmod")
# After a bare number these parts of speech show that the unit was left out ("over 900 in Syria").
_ELISION_POS = ("ADP", "PUNCT", "CCONJ", "AUX", "VERB", "ADV", "SCONJ", "PART")


@dataclass(frozen=True)
class _Number:
    start: int  # token indices, end exclusive
    end: int
    value: float | None
    vague: str | None = None  # a vague count as written ("thousands"); then value is None
    vague_min: float | None = None


class _Qualifier(NamedTuple):
    start: int
    text: str
    family: str


def find_quantities(doc: Doc) -> list[Quantity]:
    """Every count of a lexicon unit in the Doc, sorted by offset."""
    found = [q for sent in sentences(doc) for q in _sentence_quantities(doc, sent, quantity_lexicon())]
    return sorted(found, key=lambda q: (q.start, q.end))


def _sentence_quantities(doc: Doc, sent: Span, lex: dict) -> list[Quantity]:
    found: list[Quantity] = []
    numbers = _number_tokens(doc, sent, lex)
    last, i = None, sent.start  # last: unit of the previous count, and the token after it
    while i < sent.end:
        ahead = bisect_left(numbers, i)
        if ahead == len(numbers):
            break  # no number left in the sentence, so no count or amount either
        i = max(i, numbers[ahead] - _REACH)
        measure = _measure_at(doc, i, sent.end, lex)
        if measure is not None:
            found.append(measure[0])
            i = measure[1]
            continue
        quantity, i = _quantity_at(doc, i, sent, lex, last) or (None, i + 1)
        if quantity is not None:
            found.append(quantity)
            last = (quantity.unit, i)
    return found


# A count or amount has a number word, digit, currency sign or vague amount at most this many
# tokens after its first token (a qualifier phrase, then 'a'/'an' before 'dozen' or a sign).
_REACH = LONGEST_PHRASE + 2


def _number_tokens(doc: Doc, sent: Span, lex: dict) -> list[int]:
    """The sentence's tokens that can be part of a number: most sentences have none, and the
    search for counts only needs to look near them."""
    words, starts, found = lower_tokens(doc), lex["number_starts"], []
    for k in range(sent.start, sent.end):
        low = words[k].strip()
        if not low or not (low[0].isdecimal() or low in starts):
            continue  # the cheap test first: most words are no number
        if (_number_part(low, lex) is not None or low in lex["symbols"]
                or (low in lex["vague_starts"] and (_phrase_at(doc, k, sent.end, lex["vague"])
                                                    or _phrase_at(doc, k, sent.end, lex["vague_prefixes"])))):
            found.append(k)
    return found


def _text(doc: Doc, start: int, end: int) -> str:
    return " ".join("".join(lower_tokens(doc)[start:end]).split())


def _phrase_at(doc: Doc, start: int, limit: int, table) -> int:
    """Length in tokens of the longest phrase of `table` starting at token `start` (0 if none, and
    0 at or past `limit`: a number that ends its text has no token after it)."""
    if start >= limit:
        return 0
    token = lower_tokens(doc)[start]
    if token != token.rstrip() and token.strip() not in first_words(table):
        return 0  # a whole word that starts no phrase of the table
    for n in range(LONGEST_PHRASE, 0, -1):
        if start + n <= limit and _text(doc, start, start + n) in table:
            return n
    return 0


def _read_number(doc: Doc, i: int, limit: int, lex: dict) -> _Number | None:
    """The written number starting at token i: '2,500', 'two thousand', '3k', 'thousands'."""
    if n := _phrase_at(doc, i, limit, lex["vague"]):
        return _Number(i, i + n, None, _text(doc, i, i + n), float(lex["vague"][_text(doc, i, i + n)]))
    n = _phrase_at(doc, i, limit, lex["vague_prefixes"])
    if n and i + n < limit and (size := lex["multipliers"].get(doc[i + n].lower_)):  # "several hundred"
        return _Number(i, i + n + 1, None, _text(doc, i, i + n + 1), float(size))
    parts, j = [], i
    if doc[i].lower_ in ("a", "an") and i + 1 < limit and doc[i + 1].lower_ in lex["multipliers"]:
        parts, j = [("word", 1.0)], i + 1  # "a dozen", "a thousand"
    while j < limit:
        step, part = 1, _number_part(doc[j].lower_, lex)
        if part is None and parts and j + 1 < limit and doc[j].lower_ in (*_HYPHENS, "and"):
            step, part = 2, _number_part(doc[j + 1].lower_, lex)  # "twenty-five", "hundred and ten"
            if part and (parts[-1][0] == "mult") != (doc[j].lower_ == "and"):
                part = None
        if part is None or not _continues(parts, part):
            break
        parts.append(part)
        j += step
    total = current = 0.0
    for kind, value in parts:
        if kind != "mult":
            current += value
        elif value < 1000:  # hundred, dozen multiply what precedes them
            current = (current or 1.0) * value
        else:
            total, current = total + (current or 1.0) * value, 0.0
    return _Number(i, j, total + current) if parts else None


def _continues(parts: list[tuple[str, float]], part: tuple[str, float]) -> bool:
    """Does `part` extend the number? 'two' 'thousand', 'twenty' 'five': yes; '2,000' '2,500': no."""
    if part[0] == "mult" or not parts or part[0] == "digit":
        return bool(parts) == (part[0] == "mult")
    kind, value = parts[-1]
    return kind == "mult" or (kind == "word" and value >= 20 and value % 10 == 0 and part[1] < 10)


def _number_part(low: str, lex: dict) -> tuple[str, float] | None:
    if low[:1].isdecimal():  # what `\d`, which both patterns start with, matches
        if _DIGITS.match(low):
            return "digit", float(low.replace(",", ""))
        if (m := _SUFFIXED.match(low)) and m.group(2) in lex["suffixes"]:
            return "digit", float(m.group(1)) * lex["suffixes"][m.group(2)]
    for kind, table in (("word", lex["numbers"]), ("mult", lex["multipliers"])):
        if low in table:
            return kind, float(table[low])
    return None


def _qualified_number_at(doc: Doc, i: int, limit: int, lex: dict):
    """(qualifier or None, number) for a qualifier and a countable number at token i, or None."""
    n = _phrase_at(doc, i, limit, lex["pre"])
    n = 0 if doc[i].dep_ == "prt" else n  # "handed over 900 prisoners": a verb particle, no bound
    number = _read_number(doc, i + n, limit, lex) if i + n < limit else None
    if number is None or (i > 0 and doc[i - 1].is_currency) or any(
            t.ent_type_ and t.ent_type_ not in lex["labels"] for t in doc[number.start:number.end]):
        return None
    return (_Qualifier(i, _text(doc, i, i + n), lex["pre"][_text(doc, i, i + n)]) if n else None), number


def _is_modifier(doc: Doc, k: int, limit: int) -> bool:
    """Can token k stand between a number and its unit ('U.S.', 'coalition', 'US-led')?"""
    tok = doc[k]
    return (tok.pos_ in ("ADJ", "PROPN") or tok.text in _HYPHENS
            or (tok.pos_ == "NOUN" and tok.dep_ in _MODIFIER_DEPS)
            or (tok.pos_ == "VERB" and tok.dep_ == "amod")  # "US-led", "trained"
            or (tok.pos_ == "CCONJ" and k + 1 < limit and doc[k + 1].pos_ in ("ADJ", "PROPN")))


def _unit_after(doc: Doc, j: int, limit: int, lex: dict, vague: bool) -> tuple[int, int] | None:
    """Token span of the lexicon noun a number ending at j counts, or None."""
    if j < limit and doc[j].lower_ in lex["adjacent_units"]:
        return j, j + 1  # "30 dead"
    k = j
    if k + 1 < limit and doc[k].lower_ == "of":  # "thousands of (the) fighters", "277 of the drones"
        determiner = doc[k + 1].lower_ in lex["partitive_determiners"] or doc[k + 1].tag_ == "PRP$"
        if vague:
            k += 2 if determiner or doc[k + 1].pos_ == "DET" else 1
        elif determiner:
            k += 2
        else:
            return None
    for k in range(k, min(k + MAX_MODIFIERS + 1, limit)):
        n = _phrase_at(doc, k, limit, lex["units"])  # not when it modifies a later noun: "anti-ship"
        if n and not (doc[k + n - 1].dep_ in _MODIFIER_DEPS and doc[k + n - 1].head.i >= k + n):
            return k, k + n
        if lex["demonym_units"] and doc[k].ent_type_ == "NORP" and doc[k].tag_ in ("NNPS", "NNS"):
            return k, k + 1  # "3,000 Americans"
        if not _is_modifier(doc, k, limit):
            return None
    return None


def _point(number: _Number, qualifier: _Qualifier | None) -> dict[str, Any]:
    """Value, bounds and qualifier of one number."""
    if number.vague:
        return {"value": None, "min_value": number.vague_min, "qualifier": number.vague}
    family = qualifier.family if qualifier else None
    return {"value": number.value, "qualifier": qualifier.text if qualifier else None,
            "min_value": number.value if family == LOWER else None,
            "max_value": number.value if family == UPPER else None}


def _inherited_unit(doc: Doc, n1: _Number, end: int, limit: int, last: tuple[str, int] | None):
    """The unit a bare number borrows from the previous count ('... and over 900 in Syria')."""
    single = _text(doc, n1.start, n1.end)
    if last is None or _YEAR.match(single) or single == "one":
        return None
    pronoun = end + 1 < limit and doc[end].lower_ == "of" and doc[end + 1].lower_ in quantity_lexicon()["partitive_pronouns"]
    if pronoun:  # "fewer than 20 of them"
        return last[0]
    if end < limit and (doc[end].pos_ not in _ELISION_POS or doc[end].lower_ == "of"):
        return None  # something else follows the number: "900 kilometres", "five of them"
    if any(t.tag_ in ("NNS", "NNPS") for t in doc[last[1]:n1.start]):
        return None  # a plural noun in between may be what is counted
    return last[0]


def _quantity_at(doc: Doc, i: int, sent: Span, lex: dict, last: tuple[str, int] | None):
    """(Quantity or None, next token) for a number starting at token i, or None if there is none."""
    limit = sent.end
    first = _qualified_number_at(doc, i, limit, lex)
    if first is None:
        return None
    q1, n1 = first
    if q1 is None and n1.vague is None and i > sent.start and doc[i - 1].pos_ in ("NOUN", "PROPN"):
        return None, n1.end  # an identifier: "Route 1", "Article 5"
    if _is_ratio(doc, i, sent.start, lex):
        return None, n1.end  # "one in three Gazans" counts no Gazans
    opener, end = (doc[i - 1].lower_ if i > sent.start else ""), n1.end
    if not q1 and (n := _phrase_at(doc, end, limit, lex["post"])):  # "2,000 or more"
        q1, end = _Qualifier(end, (t := _text(doc, end, end + n)), lex["post"][t]), end + n
    unit = _unit_after(doc, end, limit, lex, n1.vague is not None)
    fields, start = _point(n1, q1), min(q1.start if q1 else i, n1.start)
    k = unit[1] if unit else end
    conn, kind = (doc[k].lower_ if k + 1 < limit else ""), None
    if conn in lex["change"].get(opener, ()):
        kind = "change"  # "from 5,200 to 3,000"
    elif conn in lex["range"].get(opener, ()) or (unit is None and conn in lex["bare_range"]):
        kind = "range"  # "between 2,000 and 2,500", "2,000-2,500"
    second = _qualified_number_at(doc, k + 1, limit, lex) if kind else None
    unit2 = second and _unit_after(doc, second[1].end, limit, lex, second[1].vague is not None)
    if second and (unit is None or unit2 is None or _text(doc, *unit) == _text(doc, *unit2)):
        (q2, n2), unit, end = second, unit2 or unit, second[1].end
        start = i - 1 if opener in lex["change"] or opener in lex["range"] else start
        if kind == "change":
            fields = {**_point(n2, q2), "from_value": n1.value, "from_qualifier": fields["qualifier"]}
        else:
            fields = {"value": None, "min_value": fields["min_value"] if n1.vague else n1.value,
                      "max_value": n2.value, "qualifier": fields["qualifier"]}
    if unit is None:
        unit_text, stop = _number_of_unit(doc, i, n1, q1, sent, lex), end
        unit_text = unit_text or _inherited_unit(doc, n1, end, limit, last)
        if unit_text is None:
            return None, end
    elif _YEAR.match(_text(doc, n1.start, n1.end)) and unit[0] != n1.end:
        return None, unit[1]  # a year before a noun phrase, not a count
    else:
        unit_text = doc[unit[0]:unit[1]].text
        fields, stop = _change_after(doc, max(end, unit[1]), limit, lex, fields)
    start_char, end_char = doc[start].idx, doc[stop - 1].idx + len(doc[stop - 1].text)
    return Quantity(start=start_char, end=end_char, text=text_of(doc)[start_char:end_char],
                    unit=unit_text, **{"value": None, **fields}), stop


def _change_after(doc: Doc, k: int, limit: int, lex: dict, fields: dict) -> tuple[dict, int]:
    """'3,000 troops, down from 5,200': the number after 'down from' becomes from_value."""
    if "from_value" in fields or fields.get("value") is None:
        return fields, k
    s = k + 1 if k < limit and doc[k].text == "," else k
    n = _phrase_at(doc, s, limit, lex["change_after"])
    before = _qualified_number_at(doc, s + n, limit, lex) if n and s + n < limit else None
    if before is None or before[1].vague:
        return fields, k
    return {**fields, "from_value": before[1].value,
            "from_qualifier": before[0].text if before[0] else None}, before[1].end


def _is_ratio(doc: Doc, i: int, sent_start: int, lex: dict) -> bool:
    """Does a ratio word join this number to a 'one' before it ('one in three', 'one out of five')?"""
    for n in (1, 2):
        if i - n - 1 >= sent_start and _text(doc, i - n, i) in lex["ratio_words"]:
            before = doc[i - n - 1].lower_
            return before in ("one", "1") or bool(_DIGITS.match(before))
    return False


def _number_of_unit(doc: Doc, i: int, n1: _Number, q1: _Qualifier | None, sent: Span, lex: dict) -> str | None:
    """'the number of U.S. troops in the Indo-Pacific to more than 80,000': the unit of the
    'number of' phrase before a bare number that a link word or a bound ties to it."""
    if n1.vague or (q1 is None and (i == sent.start or doc[i - 1].lower_ not in lex["number_of_links"])):
        return None
    if q1 is not None and q1.family == APPROXIMATE:
        return None
    for k in range(i - 2, max(sent.start, i - 14) - 1, -1):
        if doc[k].text in (",", ";", ":") or _read_number(doc, k, i, lex) is not None:
            return None
        n = _phrase_at(doc, k, i, lex["number_of"])
        if n:
            unit = _unit_after(doc, k + n, i, lex, False)
            return doc[unit[0]:unit[1]].text if unit else None
    return None


def _measure_at(doc: Doc, i: int, limit: int, lex: dict) -> tuple[Quantity, int] | None:
    """Money or a percentage at token i: '$883.7 billion', 'more than $25 billion',
    '1.9 billion euros', '3.8 percent', '5%'. The unit is a code ('USD', 'percent')."""
    n = _phrase_at(doc, i, limit, lex["pre"])
    n = 0 if doc[i].dep_ == "prt" else n
    j = i + n
    code = lex["symbols"].get(doc[j].lower_) if j < limit else None
    number = _read_number(doc, j + (code is not None), limit, lex) if j + (code is not None) < limit else None
    if number is None or number.vague or (code is None and n == 0 and doc[i].lower_ != doc[number.start].lower_):
        return None
    stop = number.end
    if code is None:
        if m := _phrase_at(doc, stop, limit, lex["money_words"]):
            code = lex["money_words"][_text(doc, stop, stop + m)]
        elif m := _phrase_at(doc, stop, limit, lex["percent"]):
            code = lex["percent_unit"]
        if code is None:
            return None
        stop += m
    qualifier = _Qualifier(i, _text(doc, i, i + n), lex["pre"][_text(doc, i, i + n)]) if n else None
    start_char, end_char = doc[i].idx, doc[stop - 1].idx + len(doc[stop - 1].text)
    return Quantity(start=start_char, end=end_char, text=text_of(doc)[start_char:end_char], unit=code,
                    **{"value": None, **_point(number, qualifier)}), stop
