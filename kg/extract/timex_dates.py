"""TimeML dates and times of day: calendar dates, yearless dates, weekdays, clock times, parts of
the day, and periods (decades, quarters, halves, seasons, holidays, this/last/next week, month,
year). Each rule reads one whole canonical expression (kg.extract.timeml.canonical) and returns a
Timex, or None when the expression is not of its form; kg.extract.timeml tries them in order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.extract.timex_calendar import (
    holiday_date,
    nearest_year,
    quarter_of,
    season_year,
    shift,
)
from kg.extract.timex_lexicon import TimexLexicon

PAST, FUTURE = "past", "future"
MIN_YEAR, MAX_YEAR = 1800, 2100  # a bare four-digit number outside these is not taken for a year
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"


@dataclass(frozen=True)
class Timex:
    """A TIMEX3: type (DATE, TIME, DURATION, SET), value (None when it cannot be known), mod."""

    type: str
    value: str | None
    mod: str | None = None
    age: bool = False  # "a 9-year-old": a duration of a person, which dates nothing


@dataclass(frozen=True)
class Context:
    anchor: dt.date | None
    tense: str | None
    reference: str | None  # the value of the time expression before this one
    preposition: str | None = None  # the word before the expression: "since", "until"
    # The whole grammar, for rules that read a part of their expression ("9 a.m. Tuesday").
    core: Callable[[str], Timex | None] = lambda s: None


def dated(value: str | None, type_: str = "DATE") -> Timex | None:
    return None if value is None else Timex(type_, value)


# --- calendar dates -----------------------------------------------------------------------

def calendar_date(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'2021-09-09', 'Sept. 9, 2021', '9 September 2021', 'Jan. 2020', '2003', '11/20/98'."""
    s = re.sub(rf"^(?:{lex.weekday}),? (?=\S*\d|{lex.month})", "", s)
    month, day_word = lex.month, lex.ordinal
    forms = (
        (r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})", 3),
        (r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})", 3),
        (rf"(?P<mn>{month}) (?:{_DAY}|(?P<dw>{day_word})),? (?P<y>\d{{4}})", 3),
        (rf"(?:the )?(?:{_DAY}|(?P<dw>{day_word})) (?:of )?(?P<mn>{month}),? (?P<y>\d{{4}})", 3),
        (rf"(?P<mn>{month}),? (?:of )?(?P<y>\d{{4}})", 2),
        (r"(?P<y>\d{4})", 1),
    )
    for pattern, parts in forms:
        m = re.fullmatch(pattern, s)
        if not m:
            continue
        g = m.groupdict()
        year = int(g["y"])
        if len(g["y"]) == 2:
            year += 1900 if ctx.anchor is None or year > ctx.anchor.year % 100 + 1 else 2000
        if parts == 1 and not MIN_YEAR <= year <= MAX_YEAR:
            return None
        mon = lex.month_of[g["mn"]] if g.get("mn") else int(g.get("m") or 1)
        day = lex.ordinal_of[g["dw"]] if g.get("dw") else int(g.get("d") or 1)
        return dated(iso(year, mon, day, parts))
    return None


def iso(year: int, month: int = 1, day: int = 1, parts: int = 3) -> str | None:
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"[:(4, 7, 10)[parts - 1]]


def yearless_date(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'March 15', 'the 15th of March', 'June', 'last June', 'June last year', 'this coming March 8th'."""
    weekday = re.match(rf"^(?:(?:this coming|this|next|last) )?(?P<wd>{lex.weekday}),? (?={lex.month}|\d|the \d)", s)
    s = s[weekday.end():] if weekday else s
    deictic = r"(?:(?P<dx>last|this|next|this coming|coming) )?"
    year_tail = r"(?:,? (?:of )?(?P<yd>last|this|next) year)?"
    for pattern, has_day in (
        (rf"{deictic}(?P<mn>{lex.month}) (?:{_DAY}|(?P<dw>{lex.ordinal})){year_tail}", True),
        (rf"{deictic}(?:the )?(?:{_DAY}|(?P<dw>{lex.ordinal})) (?:of )?(?P<mn>{lex.month}){year_tail}", True),
        (rf"{deictic}(?P<mn>{lex.month}){year_tail}", False),
    ):
        m = re.fullmatch(pattern, s)
        if not m:
            continue
        mon = lex.month_of[m["mn"]]
        day = (lex.ordinal_of[m["dw"]] if m["dw"] else int(m["d"])) if has_day else None
        if ctx.anchor is None:
            return dated(f"XXXX-{mon:02d}" + (f"-{day:02d}" if day else ""))
        if m["yd"]:
            year = ctx.anchor.year + lex.deictic_of[m["yd"]]
        else:
            direction = {"last": PAST, "next": FUTURE, "coming": FUTURE, "this coming": FUTURE}.get(
                m["dx"] or "", ctx.tense)
            strict = m["dx"] in ("last", "next")
            year = ctx.anchor.year if m["dx"] == "this" else nearest_year(
                ctx.anchor, mon, day, direction, strict)
            if weekday and day:  # "Saturday, April 25": the year in which that day is a Saturday
                fits = [y for y in (year, year - 1, year + 1) if iso(y, mon, day) and dt.date(
                    y, mon, day).isoweekday() == lex.weekday_of[weekday["wd"]]]
                year = fits[0] if fits else year
        return dated(iso(year, mon, day or 1, 3 if day else 2))
    return None


def weekday_date(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'Friday', 'last Friday', 'next Tuesday', 'this coming Sunday'; 'Tuesdays' is a set."""
    m = re.fullmatch(rf"(?:(?P<dx>last|this|next|this coming|coming|the previous|the following) )?"
                     rf"(?P<wd>{lex.weekday})(?P<pl>s)?", s)
    if not m:
        return None
    wd = lex.weekday_of[m["wd"]]
    if m["pl"]:
        return Timex("SET", f"XXXX-WXX-{wd}")
    if ctx.anchor is None:
        return dated(f"XXXX-WXX-{wd}")
    dx = m["dx"] or ""
    ahead = dx in ("next", "this coming", "coming", "the following") or (
        dx == "this" or (not dx and ctx.tense == FUTURE))
    today = ctx.anchor.isoweekday()
    if ahead:
        days = (wd - today) % 7 or (7 if dx in ("next", "the following") else 0)
    else:
        days = -((today - wd) % 7 or (7 if dx in ("last", "the previous") else 0))
    return dated((ctx.anchor + dt.timedelta(days=days)).isoformat())


# --- times of day -------------------------------------------------------------------------

_CLOCK = re.compile(r"(?:at )?(?:(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))? ?(?P<ap>a\.?m\.?|p\.?m\.?)"
                    r"|(?P<hh>\d{1,2}):(?P<mm>\d{2})|(?P<noon>noon|midday|midnight))"
                    r"(?: (?:est|edt|et|cst|cdt|pst|pdt|gmt|utc|bst|local time))?")


def clock_time(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'5 p.m.', '10:30 a.m. Tuesday', 'noon Thursday', 'midnight Friday', '5 p.m. EST Nov. 9'."""
    m = _CLOCK.search(s)
    if not m or not (m.start() == 0 or m.end() == len(s)):
        return None
    if m["noon"]:
        hour, minute = (24 if m["noon"] == "midnight" else 12), 0
    elif m["hh"]:
        hour, minute = int(m["hh"]), int(m["mm"])
    else:
        hour, minute = int(m["h"]) % 12 + (12 if m["ap"].startswith("p") else 0), int(m["mi"] or 0)
    if hour > 24 or minute > 59:
        return None
    rest = (s[:m.start()] + " " + s[m.end():]).strip(" ,").removesuffix(" at").removeprefix("on ")
    day = ctx.core(rest) if rest else Timex("DATE", ctx.anchor.isoformat() if ctx.anchor else None)
    if day is None or day.type != "DATE" or not day.value or not re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}", day.value):
        return None
    return Timex("TIME", f"{day.value}T{hour:02d}:{minute:02d}")


def day_part_time(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'Tuesday night', 'yesterday morning', 'this afternoon', 'tonight', 'last night', 'Tuesday nights'."""
    if s in ("tonight", "last night", "overnight"):
        part, day = "NI", {"tonight": "today", "last night": "yesterday", "overnight": "today"}[s]
    else:
        m = re.fullmatch(rf"(?:(?P<pre>.+) )?(?P<part>{lex.day_part})(?P<pl>s)?(?: (?:of )?(?P<post>.+))?", s)
        if not m or (m["pre"] and m["post"]):
            return None
        part, day = lex.day_part_of[m["part"]], m["pre"] or m["post"] or "this"
        if m["pl"] and day in lex.weekday_of:
            return Timex("SET", f"XXXX-WXX-{lex.weekday_of[day]}T{part}")
        if day in ("this", "the", "early", "late", "mid"):
            day = "today"
    found = ctx.core(day)
    if found is None or found.type != "DATE" or not found.value or len(found.value) != 10:
        return None
    return Timex("TIME", f"{found.value}T{part}")


def relative_day(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    if s not in lex.relative_days:
        return None
    if ctx.anchor is None:
        return dated("XXXX-XX-XX")
    return dated((ctx.anchor + dt.timedelta(days=lex.relative_days[s])).isoformat())


# --- periods: decades, quarters, seasons, weeks, holidays ---------------------------------

def decade(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'the 1990s' -> 199, "the '90s", 'the nineties', 'the 20th century' -> 19, 'this century'."""
    if m := re.fullmatch(r"(?:the )?(?P<c>1\d|20)?(?P<d>\d)0 ?s", s.replace("'", "")):
        century = m["c"] or ("19" if ctx.anchor is None or int(m["d"]) > ctx.anchor.year % 100 // 10 else "20")
        return dated(f"{century}{m['d']}")
    tens = {w[:-1] + "ies": n // 10 for w, n in lex.number_of.items() if 20 <= n <= 90 and n % 10 == 0}
    if m := re.fullmatch(rf"(?:the )?({'|'.join(tens)})", s):
        return dated(f"19{tens[m[1]]}")
    if m := re.fullmatch(rf"(?:the )?(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>{lex.ordinal})) century", s):
        n = int(m["n"]) if m["n"] else lex.ordinal_of[m["w"]]
        return dated(f"{n - 1:02d}")
    return None


def quarter(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'the third quarter (of 1989)', 'the 1988 third quarter', 'last year's fourth quarter',
    'Q1 2009', 'the first half', 'the latest quarter', 'this quarter', 'the year-ago quarter'."""
    s = re.sub(r"\b(?:fiscal|comparable|corresponding|same) ", "", s)
    s = re.sub(r"^(?:the )?year (?:ago|earlier) (?=\w+ quarter)", "last year ", s)  # "the year-ago third quarter"
    m = re.fullmatch(rf"(?:the )?(?:(?P<y1>\d{{4}}) )?(?:(?P<dy>last|this|next) year )?"
                     rf"(?P<n>{lex.ordinal}|[1-4](?:st|nd|rd|th)) (?P<u>quarter|half)s?"
                     rf"(?: (?:of )?(?P<y2>\d{{4}})| (?:of )?(?P<dy2>last|this|next) year)?", s) or re.fullmatch(
        r"(?:the )?q(?P<n>[1-4])(?: (?P<y2>\d{4}))?(?P<u>)(?P<y1>)(?P<dy>)(?P<dy2>)", s)
    if m:
        n = lex.ordinal_of.get(m["n"]) or int(m["n"][0])
        letter, top = ("H", 2) if m["u"] == "half" else ("Q", 4)
        if n > top:
            return None
        year = m["y1"] or m["y2"]
        if year is None and ctx.anchor is not None:
            dy = m["dy"] or m["dy2"]
            if dy:
                year = ctx.anchor.year + lex.deictic_of[dy]
            else:
                current = (ctx.anchor.month - 1) * top // 12 + 1  # a later one is last year's, unless ahead
                year = ctx.anchor.year - (1 if n > current and ctx.tense != FUTURE else 0)
        return dated(f"{year if year is not None else 'XXXX'}-{letter}{n}")
    m = re.fullmatch(r"(?:the )?(?P<w>latest|last|past|previous|most recent|recent|just ended|just completed|"
                     r"year ago|year earlier|this|current|next|coming)? ?(?:quarter|period)", s)
    if not m or (m["w"] is None and not s.endswith("quarter")) or ctx.anchor is None:
        return None
    step = {"this": 0, "current": 0, "next": 1, "coming": 1}.get(m["w"] or "", -1)
    quarter = quarter_of(ctx.anchor, step - (4 if m["w"] in ("year ago", "year earlier") else 0))
    return dated(quarter)


def season(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'this summer', 'last fall', 'next spring', 'the winter of 1994', 'summer 2019'."""
    m = re.fullmatch(rf"(?:(?P<dx>last|this|next|this past|this coming|coming|past) )?(?:the )?"
                     rf"(?P<s>{lex.season})(?: (?:of )?(?P<y>\d{{4}})| (?:of )?(?P<yd>last|this|next) year)?", s)
    if not m:
        return None
    code = lex.season_of[m["s"]]
    if m["y"]:
        return dated(f"{m['y']}-{code}")
    if ctx.anchor is None:
        return dated(f"XXXX-{code}")
    if m["yd"]:
        return dated(f"{ctx.anchor.year + lex.deictic_of[m['yd']]}-{code}")
    direction = {"last": PAST, "this past": PAST, "past": PAST, "next": FUTURE, "this coming": FUTURE,
                 "coming": FUTURE}.get(m["dx"] or "", None if m["dx"] == "this" else ctx.tense)
    return dated(f"{season_year(ctx.anchor, code, direction, strict=m['dx'] in ('last', 'next'))}-{code}")


def holiday(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    m = re.fullmatch(rf"(?:(?P<dx>last|this|next) )?(?P<h>{lex.holiday})(?: (?P<y>\d{{4}}))?", s)
    if not m or lex.holidays[m["h"]] is None:
        return None
    rule = lex.holidays[m["h"]]
    if m["y"]:
        return dated(holiday_date(rule, int(m["y"])))
    if ctx.anchor is None:
        return None
    direction = {"last": PAST, "next": FUTURE}.get(m["dx"] or "", ctx.tense)
    candidates = [holiday_date(rule, ctx.anchor.year + k) for k in (-1, 0, 1)]
    days = [(dt.date.fromisoformat(c) - ctx.anchor).days for c in candidates]
    pick = [k for k, d in enumerate(days) if (d < 0 if direction == PAST else d > 0 if direction == FUTURE else True)]
    return dated(candidates[min(pick, key=lambda k: abs(days[k]))] if pick else None)


def deictic_unit(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'last week', 'this month', 'next year', 'the current year', 'this weekend', 'the weekend'."""
    m = re.fullmatch(r"(?:the (?P<dt>current|coming|present|past|last)? ?|(?P<dx>last|this|next|this coming) )?"
                     r"(?P<u>day|week|month|year|weekend|decade|century|fiscal year|full year)", s)
    if m and m["dt"]:  # "the past year" is, in news, last year
        m = {"dx": {"coming": "next", "past": "last"}.get(m["dt"], m["dt"] if m["dt"] == "last" else "this"),
             "u": m["u"]}
    if not m:
        return None
    if ctx.anchor is None:
        return Timex("DATE", None)  # "last year" in an undated article: a date, unknown
    unit = "year" if m["u"] in ("fiscal year", "full year") else m["u"]
    step = lex.deictic_of.get(m["dx"] or "this", 0)
    if unit == "weekend" and m["dx"] is None:
        step = 0 if ctx.tense == FUTURE or ctx.anchor.isoweekday() >= 6 else -1
    return dated(shift(ctx.anchor, unit, step))


# --- counts of units: ago, earlier, durations, ages ----------------------------------------


def fiscal_year(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    m = re.fullmatch(r"fiscal (?:year )?(\d{4})|fy ?(\d{4})", s)
    return dated(m[1] or m[2]) if m else None
