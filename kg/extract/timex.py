"""Time normalization: a date expression as written -> its ISO 8601 value (or honestly none).

Why a small grammar and not a general date parser: news text is full of durations and vague
periods ("the coming months", "nearly two decades") that a lenient parser turns into a made-up
date. Here an expression gets a value only when the WHOLE expression matches a known form;
anything else keeps its text and gets ``value=None``. The lexicon lives in kg/data/timex.yaml.

Relative expressions are resolved only against the article's publication date, and never
without one. News conventions used:
- a bare weekday ("Tuesday") is the most recent such day on or before the publication date;
  "last Tuesday" is strictly before it, "next Tuesday" strictly after it;
- a month or day without a year ("March 15", "in June") takes the year that puts it closest
  to the publication date;
- weeks are resolved as a day 7 days per step away ("last week" = publication date - 7 days)
  and reported at month precision (xsd:gYearMonth), since a week has no xsd type;
- narrowings ("early", "mid-", "the end of", "the summer of") keep the period's value;
- "the next day", "the last year" are anaphoric or durations: no value.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kg.extract.doctext import entities
from kg.records import TimeValue

MIN_YEAR, MAX_YEAR = 1800, 2100
LEXICON_FILE = "timex.yaml"
_ORD = r"(?:st|nd|rd|th)?"
_ISO_LENGTH = {"gYear": 4, "gYearMonth": 7, "date": 10}
# Entity labels read by find_times; other labels are read only when they hold a full calendar date.
TIME_LABELS = ("DATE", "TIME")
_DIGIT = re.compile(r"\d")  # what the year of every calendar form (_absolute_patterns) is made of
REQUIRED_SECTIONS = ("months", "weekdays", "numbers", "prepositions", "modifiers", "day_parts",
                     "relative_days", "deictics", "units", "vague_words", "age_markers",
                     "duration_units", "duration_connectors", "holidays")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    """Load and index kg/data/timex.yaml once."""
    path = resources.files("kg") / "data" / LEXICON_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the time lexicon ({exc})") from exc
    missing = [key for key in REQUIRED_SECTIONS if key not in (raw or {})]
    if missing:
        raise ValueError(f"{path}: missing sections {', '.join(missing)}")
    months = {name: int(num) for num, names in raw["months"].items() for name in names}
    weekdays = {name: int(num) for num, names in raw["weekdays"].items() for name in names}
    numbers = {k: int(v) for k, v in raw["numbers"].items()}
    words = [*months, *weekdays, *numbers, *raw["units"], *raw["relative_days"], *raw["deictics"]]
    words += raw["prepositions"] + raw["modifiers"] + raw["day_parts"] + raw["vague_words"]
    words += raw["age_markers"] + raw["duration_units"] + raw["holidays"]
    odd = [repr(w) for w in words if not isinstance(w, str) or w != w.lower()]
    if odd:  # e.g. a bare `on` that YAML read as true
        raise ValueError(f"{path}: entries must be lower-case strings, not {', '.join(odd)}")
    return {
        **raw, "month_of": months, "weekday_of": weekdays, "number_of": numbers,
        "month_re": _alternation(months),
        "weekday_re": _alternation(weekdays),
        "count_re": r"(\d{1,3}|" + _alternation(numbers) + ")",
        "unit_re": _alternation(raw["units"]),
        "deictic_re": _alternation(raw["deictics"]),
        "modifier_re": re.compile(r"^(?:" + _alternation(raw["modifiers"]) + r")(?:-|\s+|$)"),
        "prep_re": re.compile(r"^(?:" + _alternation(raw["prepositions"]) + r")\s+"),
        "day_part_re": re.compile(r"\s+(?:" + _alternation(raw["day_parts"]) + r")$"),
        "vague": frozenset(raw["vague_words"]),
        "age_re": re.compile(r"\b(?:" + _alternation(raw["age_markers"]) + r")\b"),
        "duration_re": re.compile(
            r"^(?:(?:\d+(?:\.\d+)?|" + _alternation(numbers) + r"|" + _alternation(raw["duration_connectors"])
            + r")[\s-]*)*(?:" + _alternation(raw["duration_units"])
            + r")s?(?:[\s-]+long)?$"),
        "holidays": frozenset(raw["holidays"]),
    }


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """The compiled forms _strip, _relative and _resolve match every expression against."""
    lex = _lexicon()
    count, unit, deictic, weekday = lex["count_re"], lex["unit_re"], lex["deictic_re"], lex["weekday_re"]
    return {
        "in_count": re.compile(rf"in\s+{count}\s"),
        "leading_weekday": re.compile(rf"^(?:{weekday}),?\s+(?=.*\d)"),
        "anaphoric": re.compile(rf"\bthe\s+(?:{deictic})\b"),
        "deictic_unit": re.compile(rf"(?P<deictic>{deictic})\s+(?P<unit>{unit})"),
        "ago": re.compile(rf"{count}\s+(?P<unit>{unit})s?\s+ago"),
        "in_units": re.compile(rf"in\s+{count}\s+(?P<unit>{unit})s?"),
        "weekday": re.compile(rf"(?:(?P<deictic>{deictic})\s+)?(?P<wd>{weekday})"),
    }


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first so 'sept.' wins over 'sep'."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _absolute_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Calendar forms, unanchored; named groups y, m, d. Most specific first."""
    month = _lexicon()["month_re"]
    forms = [
        ("date", r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
        ("date", rf"(?P<mn>{month})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})"),
        ("date", rf"(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mn>{month}),?\s+(?P<y>\d{{4}})"),
        ("gYearMonth", rf"(?P<mn>{month}),?\s+(?:of\s+)?(?P<y>\d{{4}})"),
        ("gYear", r"(?P<y>\d{4})"),
    ]
    # Lookarounds instead of \b, so that 'sept.' (ending in a dot) still matches as a word.
    return [(kind, re.compile(rf"(?<![\w'-]){body}(?![\w'-])")) for kind, body in forms]


@lru_cache(maxsize=1)
def _yearless_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Calendar forms without a year: they need the publication date."""
    month = _lexicon()["month_re"]
    return [
        ("date", re.compile(rf"^(?P<mn>{month})\s+(?P<d>\d{{1,2}}){_ORD}$")),
        ("date", re.compile(rf"^(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mn>{month})$")),
        ("gYearMonth", re.compile(rf"^(?P<mn>{month})$")),
    ]


def _canonical(text: str) -> str:
    """Lower-case, single spaces, straight apostrophes, no possessive or trailing comma."""
    s = re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().lower()
    s = re.sub(r"'s?$", "", s)
    return s.rstrip(",;:").strip()


def _iso(kind: str, year: int, month: int = 1, day: int = 1) -> tuple[str, str] | None:
    """Format a checked value, or None for an impossible date or a year outside the range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"[:_ISO_LENGTH[kind]], kind


def _from_match(kind: str, m: re.Match[str], year: int | None = None) -> tuple[str, str] | None:
    groups = m.groupdict()
    month = _lexicon()["month_of"][groups["mn"]] if groups.get("mn") else int(groups.get("m") or 1)
    return _iso(kind, year if year is not None else int(groups["y"]), month, int(groups.get("d") or 1))


def _absolute(s: str) -> tuple[str, str] | None:
    """A whole expression in calendar form: '2003', 'Jan. 2020', '9 September 2021'."""
    for kind, pattern in _absolute_patterns():
        m = pattern.fullmatch(s)
        if m:
            return _from_match(kind, m)
    return None


def _closest_year(kind: str, m: re.Match[str], published: dt.date) -> tuple[str, str] | None:
    """The year (publication year or a neighbour) that puts a yearless date nearest to publication."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        found = _from_match(kind, m, year)
        if found:  # distance from the first day of the period ("2024-12" -> 2024-12-01)
            first = dt.date.fromisoformat((found[0] + "-01-01")[:10])
            candidates.append((abs((first - published).days), found))
    return min(candidates)[1] if candidates else None


def _at(day: dt.date, kind: str) -> tuple[str, str] | None:
    return _iso(kind, day.year, day.month, day.day)


def _relative(s: str, published: dt.date, after_modifier: bool) -> tuple[str, str] | None:
    """Expressions anchored to the publication date; None when the form is unknown."""
    lex = _lexicon()
    for day in (s, lex["day_part_re"].sub("", s)):  # "yesterday morning" is yesterday
        if day in lex["relative_days"]:
            return _at(published + dt.timedelta(days=int(lex["relative_days"][day])), "date")
    if after_modifier and s in ("year", "month", "week"):  # "the end of the year"
        s = "this " + s
    patterns = _patterns()
    m = patterns["deictic_unit"].fullmatch(s)
    if m:
        return _step(published, m["unit"], int(lex["deictics"][m["deictic"]]))
    m = patterns["ago"].fullmatch(s) or patterns["in_units"].fullmatch(s)
    if m:
        n = int(m[1]) if m[1].isdigit() else lex["number_of"][m[1]]
        return _step(published, m["unit"], -n if s.endswith("ago") else n)
    s = lex["day_part_re"].sub("", s)
    m = patterns["weekday"].fullmatch(s)
    if m:
        back = (published.weekday() - lex["weekday_of"][m["wd"]]) % 7
        if m["deictic"] == "last" and back == 0:
            back = 7
        if m["deictic"] == "next":
            back = back - 7 if back else -7
        return _at(published - dt.timedelta(days=back), "date")
    for kind, pattern in _yearless_patterns():
        m = pattern.fullmatch(s)
        if m:
            return _closest_year(kind, m, published)
    return None


def _step(published: dt.date, unit: str, steps: int) -> tuple[str, str] | None:
    """Move ``steps`` units from the publication date and report at the unit's precision."""
    kind = _lexicon()["units"][unit]
    if unit in ("day", "week"):
        return _at(published + dt.timedelta(days=steps * (7 if unit == "week" else 1)), kind)
    if unit == "month":
        index = published.year * 12 + published.month - 1 + steps
        return _iso(kind, index // 12, index % 12 + 1)
    return _iso(kind, published.year + steps)


def _strip(s: str) -> tuple[str, bool]:
    """Drop leading articles, prepositions, narrowings and a leading weekday before a date."""
    lex, patterns = _lexicon(), _patterns()
    narrowed = False
    while True:
        before = s
        if not patterns["in_count"].match(s):  # keep "in 2 years" whole
            s = lex["prep_re"].sub("", s)
        s = re.sub(r"^the\s+", "", s)
        stripped = lex["modifier_re"].sub("", s)
        if stripped != s and stripped:
            s, narrowed = stripped, True
        s = patterns["leading_weekday"].sub("", s)  # "Tuesday, Jan. 7, 2020"
        if s == before:
            return s, narrowed


def _as_date(published: dt.date | dt.datetime | str | None) -> dt.date | None:
    if published is None or type(published) is dt.date:
        return published
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, str):
        try:
            return dt.date.fromisoformat(published.strip()[:10])
        except ValueError as exc:
            raise ValueError(f"publication date {published!r} is not ISO 8601") from exc
    raise TypeError(f"publication date must be a date, not {type(published).__name__}")


def normalize(text: str, published: dt.date | None = None, *,
              start: int | None = None, end: int | None = None) -> TimeValue:
    """Normalize one time expression; ``value`` is None when it is vague, a duration, or relative
    with no publication date. Offsets, when given, describe ``text`` and follow its trimming."""
    if (start is None) != (end is None):
        raise ValueError("give both start and end offsets, or neither")
    if start is not None and end - start != len(text):
        raise ValueError(f"offsets {start}:{end} do not span the {len(text)} characters of {text!r}")
    trimmed = text.strip()
    if start is not None and trimmed:
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
    found = _resolve(trimmed, _as_date(published))
    value, datatype = found if found else (None, None)
    return TimeValue(text=trimmed, value=value, datatype=datatype, start=start, end=end)


def _resolve(text: str, published: dt.date | None) -> tuple[str, str] | None:
    s, lex = _canonical(text), _lexicon()
    if not s or set(re.findall(r"[a-z]+", s)) & lex["vague"]:
        return None
    if _patterns()["anaphoric"].search(s):
        return None  # "the next day", "the last year": anaphoric or a duration, not deictic
    s, narrowed = _strip(s)
    found = _absolute(s)
    if found is None and published is not None:
        found = _relative(s, published, narrowed)
    return found


def find_times(doc, published: dt.date | None = None) -> list[TimeValue]:
    """Time expressions of a parsed Doc, from its DATE and TIME entities, in text order.

    An entity with no value of its own but with calendar dates inside ("between 2014 and 2017")
    yields those dates with their own offsets. An entity of another label counts only when it is
    a full date or month ("9 September 2021" tagged EVENT), never a bare number like "2000".
    Spans are not widened: "the worst in 2 years" gives the duration "2 years", with no value.
    """
    published = _as_date(published)
    found: list[TimeValue] = []
    for ent in entities(doc):
        is_time = ent.label_ in TIME_LABELS
        if not is_time and not _DIGIT.search(ent.text):
            continue  # every full date or month has a year in digits
        # Other labels get no publication date: "May" as a PERSON must not become a month.
        time = normalize(ent.text, published if is_time else None,
                         start=ent.start_char, end=ent.end_char)
        if not is_time:
            if time.datatype in ("date", "gYearMonth"):
                found.append(time)
            continue
        inner = [] if time.value else _inner_dates(ent.text, ent.start_char)
        if not inner and is_non_time(time):
            continue
        found.extend(inner or [time])
    return sorted(found, key=lambda t: (t.start, t.end))


def is_non_time(time: TimeValue) -> bool:
    """An age, a duration or a yearless holiday: the model says DATE, but nothing is dated by it."""
    if time.value:
        return False
    lex = _lexicon()
    s = _canonical(time.text)
    if lex["age_re"].search(s):
        return True
    s, _ = _strip(s)
    s = re.sub(r"^(?:the|a|an)\s+", "", s)
    return bool(lex["duration_re"].match(s)) or s in lex["holidays"]


def _inner_dates(text: str, offset: int) -> list[TimeValue]:
    """Calendar forms inside a longer, unparsed expression, unless the expression is vague."""
    if set(re.findall(r"[a-z]+", text.lower())) & _lexicon()["vague"]:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # offsets would not line up
        return []
    times, taken = [], []
    for kind, pattern in _absolute_patterns():
        for m in pattern.finditer(lowered):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            found = _from_match(kind, m)
            if found:
                taken.append(m.span())
                b, e = m.start() + offset, m.end() + offset
                times.append(TimeValue(text=text[m.start():m.end()], value=found[0],
                                       datatype=found[1], start=b, end=e))
    return times
