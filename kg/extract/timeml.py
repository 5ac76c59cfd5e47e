"""TimeML values of one time expression: its TIMEX3 type, value and mod, anchored to a date.

Dates ("2009-03-05", "2013-W12", "2009-Q1", "2012-SU", "199" for the 1990s), times
("2013-03-05T17:00", "...TNI"), durations ("P3Y", "PT2H", "PXY"), sets ("P1W",
"XXXX-WXX-2") and PAST_REF / PRESENT_REF / FUTURE_REF, as the TimeML guidelines write them.
The grammar is ours, not a general date parser's: a parser turns durations and vague periods
into a made-up day, and TimeML values need the granularity as written (a week, a quarter).

A relative expression is resolved against the anchor (the publication date), and only with one.
Where the text leaves the direction open (a bare "August", "Friday", "the weekend"), the tense of
the governing verb decides: past looks back, future looks ahead; with no tense a bare month or
day takes the year that puts it nearest the anchor, and a weekday the latest on or before it.
"N years earlier" shifts the reference time (the previous time expression) when there is one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from kg.extract.timex_calendar import (
    holiday_date,
    nearest_year,
    quarter_of,
    season_year,
    shift,
    week_of,
)
from kg.extract.timex_lexicon import TimexLexicon, timex_lexicon

PAST, FUTURE = "past", "future"
MIN_YEAR, MAX_YEAR = 1800, 2100  # a bare four-digit number outside these is not taken for a year
_TIME_UNITS = ("hour", "minute", "second")
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
    preposition: str | None = None  # the word before the expression: "since", "for", "until"


def canonical(text: str) -> str:
    """Lower case, straight apostrophes, no possessive, hyphens between words as spaces, year words
    as digits ("nineteen ninety-six" -> "1996")."""
    s = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    s = re.sub(r"(?<=\w)'s?\b", "", s)
    s = re.sub(r"(?<=[a-z])-(?=[a-z0-9])|(?<=\d)-(?=[a-z])", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" ,;:")
    s = re.sub(r"^an? (?=\d)", "", s)  # "a 9-year-old"
    s = re.sub(rf"^(.*?) ?({timex_lexicon().unit}) and a half\b", r"\1 and a half \2", s)  # "a year and a half"
    return _year_words(s, timex_lexicon())


def _year_words(s: str, lex: TimexLexicon) -> str:
    tens = "|".join(w for w, n in lex.number_of.items() if 20 <= n <= 90 and n % 10 == 0)
    ones = "|".join(w for w, n in lex.number_of.items() if 1 <= n <= 9 and len(w) > 2)
    teens = "|".join(w for w, n in lex.number_of.items() if 10 <= n <= 19)

    def century(m: re.Match) -> str:
        high = lex.number_of[m["c"]]
        low = lex.number_of.get(m["t"], 0) + lex.number_of.get(m["o"] or "", 0)
        return str(high * 100 + low)

    s = re.sub(rf"\b(?P<c>nineteen|eighteen|twenty) (?P<t>{tens}|{teens})(?: (?P<o>{ones}))?\b", century, s)
    return re.sub(rf"\b(?:the year )?two thousand(?: and)?(?: (?P<o>{ones}|{teens}))?\b",
                  lambda m: str(2000 + lex.number_of.get(m["o"] or "", 0)), s)


def evaluate(text: str, anchor: dt.date | None = None, tense: str | None = None,
             reference: str | None = None, preposition: str | None = None) -> Timex | None:
    """The TIMEX3 of a whole expression, or None when no form of the grammar matches it.
    A preposition before it says which way it points ("since" back, "until" ahead) and whether
    "the weekend" is a date or a stretch of time ("over the weekend")."""
    s = canonical(text)
    lex = timex_lexicon()
    m = re.match(rf"({'|'.join(map(re.escape, lex.prepositions))}) ", s)
    preposition = (preposition or (m[1] if m else "")).lower()
    tense = {"since": PAST, "until": FUTURE, "till": FUTURE}.get(preposition, tense)
    ctx = Context(anchor, tense, reference, preposition)
    mod = None
    for _ in range(8):  # try the expression, then without one leading preposition or mod at a time
        found = _core(s, ctx, lex)
        if found is not None:
            return Timex(found.type, found.value, found.mod or mod, found.age)
        stripped, new_mod = _strip_once(s, lex)
        if stripped == s:
            return None
        s, mod = stripped, mod or new_mod
    return None


def _strip_once(s: str, lex: TimexLexicon) -> tuple[str, str | None]:
    """One leading preposition, filler or mod off (the longest that matches), or a trailing one."""
    if " or so " in s:  # "a week or so ago"
        return s.replace(" or so ", " "), "APPROX"
    heads = [(p, None) for p in (*lex.prepositions, *lex.fillers) if s.startswith(p + " ")]
    heads += [(w, mod) for w, mod in lex.mods if s.startswith(w + " ")]
    if heads:
        words, mod = max(heads, key=lambda h: len(h[0]))
        return s[len(words) + 1:], mod
    for words, mod in lex.mods:
        if s.endswith(" " + words) and words in ("or so", "or more", "or less"):
            return s[:-len(words) - 1], mod
    if s.startswith("the ") and not re.match(r"the (?:\d|'\d)", s):
        return s[4:], None
    return s, None


def _core(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    if s in lex.ref_of:
        return Timex("DATE", lex.ref_of[s])
    for rule in _RULES:
        found = rule(s, ctx, lex)
        if found is not None:
            return found
    return None


def _date(value: str | None, type_: str = "DATE") -> Timex | None:
    return None if value is None else Timex(type_, value)


# --- calendar dates -----------------------------------------------------------------------

def _calendar(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
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
        return _date(_iso(year, mon, day, parts))
    return None


def _iso(year: int, month: int = 1, day: int = 1, parts: int = 3) -> str | None:
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"[:(4, 7, 10)[parts - 1]]


def _yearless(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
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
            return _date(f"XXXX-{mon:02d}" + (f"-{day:02d}" if day else ""))
        if m["yd"]:
            year = ctx.anchor.year + lex.deictic_of[m["yd"]]
        else:
            direction = {"last": PAST, "next": FUTURE, "coming": FUTURE, "this coming": FUTURE}.get(
                m["dx"] or "", ctx.tense)
            strict = m["dx"] in ("last", "next")
            year = ctx.anchor.year if m["dx"] == "this" else nearest_year(
                ctx.anchor, mon, day, direction, strict)
            if weekday and day:  # "Saturday, April 25": the year in which that day is a Saturday
                fits = [y for y in (year, year - 1, year + 1) if _iso(y, mon, day) and dt.date(
                    y, mon, day).isoweekday() == lex.weekday_of[weekday["wd"]]]
                year = fits[0] if fits else year
        return _date(_iso(year, mon, day or 1, 3 if day else 2))
    return None


def _weekday(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'Friday', 'last Friday', 'next Tuesday', 'this coming Sunday'; 'Tuesdays' is a set."""
    m = re.fullmatch(rf"(?:(?P<dx>last|this|next|this coming|coming|the previous|the following) )?"
                     rf"(?P<wd>{lex.weekday})(?P<pl>s)?", s)
    if not m:
        return None
    wd = lex.weekday_of[m["wd"]]
    if m["pl"]:
        return Timex("SET", f"XXXX-WXX-{wd}")
    if ctx.anchor is None:
        return _date(f"XXXX-WXX-{wd}")
    dx = m["dx"] or ""
    ahead = dx in ("next", "this coming", "coming", "the following") or (
        dx == "this" or (not dx and ctx.tense == FUTURE))
    today = ctx.anchor.isoweekday()
    if ahead:
        days = (wd - today) % 7 or (7 if dx in ("next", "the following") else 0)
    else:
        days = -((today - wd) % 7 or (7 if dx in ("last", "the previous") else 0))
    return _date((ctx.anchor + dt.timedelta(days=days)).isoformat())


# --- times of day -------------------------------------------------------------------------

_CLOCK = re.compile(r"(?:at )?(?:(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))? ?(?P<ap>a\.?m\.?|p\.?m\.?)"
                    r"|(?P<hh>\d{1,2}):(?P<mm>\d{2})|(?P<noon>noon|midday|midnight))"
                    r"(?: (?:est|edt|et|cst|cdt|pst|pdt|gmt|utc|bst|local time))?")


def _clock(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
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
    day = _core(rest, ctx, lex) if rest else Timex("DATE", ctx.anchor.isoformat() if ctx.anchor else None)
    if day is None or day.type != "DATE" or not day.value or not re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}", day.value):
        return None
    return Timex("TIME", f"{day.value}T{hour:02d}:{minute:02d}")


def _day_part(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
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
    found = _core(day, ctx, lex)
    if found is None or found.type != "DATE" or not found.value or len(found.value) != 10:
        return None
    return Timex("TIME", f"{found.value}T{part}")


def _relative_day(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    if s not in lex.relative_days:
        return None
    if ctx.anchor is None:
        return _date("XXXX-XX-XX")
    return _date((ctx.anchor + dt.timedelta(days=lex.relative_days[s])).isoformat())


# --- periods: decades, quarters, seasons, weeks, holidays ---------------------------------

def _decade(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'the 1990s' -> 199, "the '90s", 'the nineties', 'the 20th century' -> 19, 'this century'."""
    if m := re.fullmatch(r"(?:the )?(?P<c>1\d|20)?(?P<d>\d)0 ?s", s.replace("'", "")):
        century = m["c"] or ("19" if ctx.anchor is None or int(m["d"]) > ctx.anchor.year % 100 // 10 else "20")
        return _date(f"{century}{m['d']}")
    tens = {w[:-1] + "ies": n // 10 for w, n in lex.number_of.items() if 20 <= n <= 90 and n % 10 == 0}
    if m := re.fullmatch(rf"(?:the )?({'|'.join(tens)})", s):
        return _date(f"19{tens[m[1]]}")
    if m := re.fullmatch(rf"(?:the )?(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>{lex.ordinal})) century", s):
        n = int(m["n"]) if m["n"] else lex.ordinal_of[m["w"]]
        return _date(f"{n - 1:02d}")
    return None


def _quarter(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'the third quarter (of 1989)', 'the 1988 third quarter', 'last year's fourth quarter',
    'Q1 2009', 'the first half', 'the latest quarter', 'this quarter', 'the year-ago quarter'."""
    s = re.sub(r"\bfiscal ", "", s)
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
        return _date(f"{year if year is not None else 'XXXX'}-{letter}{n}")
    m = re.fullmatch(r"(?:the )?(?P<w>latest|last|past|previous|most recent|recent|just ended|just completed|"
                     r"year ago|year earlier|this|current|next|coming)? ?(?:quarter|period)", s)
    if not m or (m["w"] is None and not s.endswith("quarter")) or ctx.anchor is None:
        return None
    step = {"this": 0, "current": 0, "next": 1, "coming": 1}.get(m["w"] or "", -1)
    quarter = quarter_of(ctx.anchor, step - (4 if m["w"] in ("year ago", "year earlier") else 0))
    return _date(quarter)


def _season(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'this summer', 'last fall', 'next spring', 'the winter of 1994', 'summer 2019'."""
    m = re.fullmatch(rf"(?:(?P<dx>last|this|next|this past|this coming|coming|past) )?(?:the )?"
                     rf"(?P<s>{lex.season})(?: (?:of )?(?P<y>\d{{4}})| (?:of )?(?P<yd>last|this|next) year)?", s)
    if not m:
        return None
    code = lex.season_of[m["s"]]
    if m["y"]:
        return _date(f"{m['y']}-{code}")
    if ctx.anchor is None:
        return _date(f"XXXX-{code}")
    if m["yd"]:
        return _date(f"{ctx.anchor.year + lex.deictic_of[m['yd']]}-{code}")
    direction = {"last": PAST, "this past": PAST, "past": PAST, "next": FUTURE, "this coming": FUTURE,
                 "coming": FUTURE}.get(m["dx"] or "", None if m["dx"] == "this" else ctx.tense)
    return _date(f"{season_year(ctx.anchor, code, direction, strict=m['dx'] in ('last', 'next'))}-{code}")


def _holiday(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    m = re.fullmatch(rf"(?:(?P<dx>last|this|next) )?(?P<h>{lex.holiday})(?: (?P<y>\d{{4}}))?", s)
    if not m or lex.holidays[m["h"]] is None:
        return None
    rule = lex.holidays[m["h"]]
    if m["y"]:
        return _date(holiday_date(rule, int(m["y"])))
    if ctx.anchor is None:
        return None
    direction = {"last": PAST, "next": FUTURE}.get(m["dx"] or "", ctx.tense)
    candidates = [holiday_date(rule, ctx.anchor.year + k) for k in (-1, 0, 1)]
    days = [(dt.date.fromisoformat(c) - ctx.anchor).days for c in candidates]
    pick = [k for k, d in enumerate(days) if (d < 0 if direction == PAST else d > 0 if direction == FUTURE else True)]
    return _date(candidates[min(pick, key=lambda k: abs(days[k]))] if pick else None)


def _deictic_unit(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
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
    if m["dx"] is None and ctx.preposition in ("for", "over", "over the", "throughout", "through", "within"):
        return None  # "for the year", "over the weekend": a stretch of time (a duration)
    unit = "year" if m["u"] in ("fiscal year", "full year") else m["u"]
    step = lex.deictic_of.get(m["dx"] or "this", 0)
    if unit == "weekend" and m["dx"] is None:
        step = 0 if ctx.tense == FUTURE or ctx.anchor.isoweekday() >= 6 else -1
    return _date(shift(ctx.anchor, unit, step))


# --- counts of units: ago, earlier, durations, ages ----------------------------------------

_COUNTED = None


def _counted(lex: TimexLexicon) -> re.Pattern[str]:
    global _COUNTED
    if _COUNTED is None:
        _COUNTED = re.compile(
            r"(?:the )?(?:(?P<dir>past|last|next|coming|previous|first|final|initial|following|remaining|"
            r"additional|another|further|other|latest|same|recent|better part of|whole|entire|full) )?"
            rf"(?P<count>.*?) ?(?P<unit>{lex.unit})"
            r"(?: (?P<tail>long|old|ago|earlier|later|before|after|from now|hence|running|more|before that))?")
    return _COUNTED


def count_of(words: str, lex: TimexLexicon) -> float | str | None:
    """'twenty four' -> 24, '2 1/2' -> 2.5, 'a year and a half' (as 'a ... and a half'), 'several' -> 'X'."""
    w = words.strip()
    if not w:
        return None
    if w in lex.vague_counts:
        return "X"
    if m := re.fullmatch(r"(\d+)(?: (\d)/(\d))?", w.replace(",", "")):
        return int(m[1]) + (int(m[2]) / int(m[3]) if m[2] else 0)
    if re.fullmatch(r"\d+\.\d+", w):
        return float(w)
    half = 0.5 if re.search(r"\band a half$", w) else 0
    w = re.sub(r"\s*and a half$", "", w)
    if w in ("half a", "half an", "a half", "half"):
        return 0.5
    total, current = 0, 0
    for token in re.split(r"[\s-]+", w):
        if token in ("and", "of", "more", "additional", "extra", "full", "whole", "long"):
            continue
        if token not in lex.number_of:
            return None
        n = lex.number_of[token]
        if n in (100, 1000):
            current = max(current, 1) * n
            if n == 1000:
                total, current = total + current, 0
        else:
            current += n
    return total + current + half


def _counts(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    m = _counted(lex).fullmatch(s)
    if not m:
        return None
    unit, tail, direction = lex.unit_of[m["unit"]], m["tail"], m["dir"]
    plural = m["unit"].endswith("s") and unit != "weekend" or m["unit"].endswith("ies")
    count = count_of(m["count"], lex)
    if m["count"] and count is None:
        return None
    if isinstance(count, (int, float)) and count >= MIN_YEAR:  # "the 1988 quarter": a year, not a count
        ref = ctx.reference or ""
        return _date(f"{int(count)}{ref[4:]}" if unit == "quarter" and re.fullmatch(r"\d{4}-Q\d", ref)
                     else str(int(count)))
    if count is None:
        count = "X" if plural else 1
    if tail in ("ago", "earlier", "later", "before", "after", "from now", "hence", "before that"):
        if count == "X":
            return Timex("DATE", "FUTURE_REF" if tail in ("from now", "hence", "later") else "PAST_REF")
        back = tail in ("ago", "earlier", "before", "before that")
        return _date(_shifted(ctx, unit, -count if back else count, anaphoric=tail not in ("ago", "from now", "hence")))
    if direction in ("next", "following", "previous") and count == 1 and not m["count"] and not plural:
        step = -1 if direction == "previous" else 1  # "the next day": from the reference, if it is a date
        ref = ctx.reference or ""
        if unit == "day" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref):
            return _date(shift(dt.date.fromisoformat(ref), "day", step))
        if unit == "year" and re.fullmatch(r"\d{4}", ref):
            return _date(f"{int(ref) + step:04d}")
        return Timex("DATE", None)
    if direction in ("recent",) and count == "X":
        return Timex("DATE", "PAST_REF")
    if direction == "coming" and count == "X":
        return Timex("DATE", "FUTURE_REF")
    return Timex("DURATION", duration(count, unit, lex), age=tail == "old")


def _shifted(ctx: Context, unit: str, n: float, anaphoric: bool) -> str | None:
    """A date n units from the anchor; a year from a quarter of the reference keeps the quarter."""
    if n != int(n) or ctx.anchor is None:
        return None
    ref = ctx.reference or ""
    if unit == "year" and re.fullmatch(r"\d{4}-(?:Q\d|H\d)", ref):
        return f"{int(ref[:4]) + int(n)}{ref[4:]}"
    if anaphoric and unit in ("day", "week", "month", "year") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref):
        return shift(dt.date.fromisoformat(ref), unit, int(n))
    return shift(ctx.anchor, unit, int(n))


def duration(count: float | str, unit: str, lex: TimexLexicon) -> str:
    """P3Y, P2Y6M, PT30M, PXW, P20Y for two decades."""
    t = "T" if unit in _TIME_UNITS else ""
    code = lex.code_of[unit]
    if count == "X":
        return f"P{t}X{code}"
    scale = {"decade": (10, "Y"), "century": (100, "Y"), "fortnight": (2, "W"), "weekend": (2, "D")}
    if unit in scale:
        count, code = count * scale[unit][0], scale[unit][1]
    if count == int(count):
        return f"P{t}{int(count)}{code}"
    smaller = {"Y": (12, "M"), "D": (24, "H"), "H": (60, "M"), "W": (7, "D"), "M": (30, "D") if not t else (60, "S")}
    whole, rest = int(count), round((count - int(count)) * smaller[code][0])
    sub_t = "T" if code == "D" else t
    head = f"{whole}{code}" if whole else ""
    return f"P{t}{head}{'' if t or not sub_t else 'T'}{rest}{smaller[code][1]}" if head or rest else f"P{t}0{code}"


def _in_units(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'in 2 years', 'within two weeks' -> the period that far ahead of the anchor."""
    m = re.fullmatch(rf"in (?P<count>.+?) (?P<unit>{lex.unit})", s)
    count = count_of(m["count"], lex) if m else None
    if count is None or count == "X" or count != int(count) or ctx.anchor is None:
        return None
    return _date(shift(ctx.anchor, lex.unit_of[m["unit"]], int(count)))


def _fiscal(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    m = re.fullmatch(r"fiscal (?:year )?(\d{4})|fy ?(\d{4})", s)
    return _date(m[1] or m[2]) if m else None


def _set(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'daily', 'every week', 'each Thursday', 'each July', 'twice a year', 'per month'."""
    if s in lex.sets:
        return Timex("SET", lex.sets[s])
    m = re.fullmatch(rf"(?:(?:once|twice|\w+ times) )?(?P<w>every|each|per|a) (?:other )?(?P<rest>.+)", s)
    if not m or (m["w"] == "a" and not s.startswith(("once", "twice")) and " times " not in s):
        return None
    rest = m["rest"]
    if rest in lex.weekday_of:
        return Timex("SET", f"XXXX-WXX-{lex.weekday_of[rest]}")
    if rest in lex.month_of:
        return Timex("SET", f"XXXX-{lex.month_of[rest]:02d}")
    if rest in lex.season_of:
        return Timex("SET", f"XXXX-{lex.season_of[rest]}")
    found = _counts(rest, Context(None, None, None), lex)
    if found is not None and found.type == "DURATION":
        return Timex("SET", found.value.replace("PX", "P1").replace("PTX", "PT1"))
    return None


_RULES: tuple[Callable[[str, Context, TimexLexicon], Timex | None], ...] = (
    _set, _in_units, _fiscal, _relative_day, _calendar, _clock, _day_part, _yearless, _weekday, _decade, _quarter,
    _season, _holiday, _deictic_unit, _counts,
)
