"""TimeML durations, sets and counted shifts: "three years" (P3Y), "2 1/2 years" (P2Y6M),
"two weeks ago" (a week), "a year earlier" (from the reference time), "in 2 years", "every week"
(P1W), "each Thursday" (XXXX-WXX-4). Read by kg.extract.timeml after the calendar forms.
"""

from __future__ import annotations

import datetime as dt
import re

from kg.extract.timex_calendar import shift
from kg.extract.timex_dates import MIN_YEAR, Context, Timex, dated
from kg.extract.timex_lexicon import TimexLexicon

_TIME_UNITS = ("hour", "minute", "second")

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
    tokens = re.split(r"[\s-]+", re.sub(r"^(?:a )?couple(?: of)?$", "two", w))
    if len(tokens) > 1 and tokens[0] in ("a", "an") and tokens[1] not in ("hundred", "thousand", "dozen"):
        tokens = tokens[1:]  # "a two-day rally"
    total, current = 0, 0
    for token in tokens:
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


def counts(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    m = _counted(lex).fullmatch(s)
    if not m:
        return None
    unit, tail, direction = lex.unit_of[m["unit"]], m["tail"], m["dir"]
    plural = m["unit"].endswith("s") and unit != "weekend" or m["unit"].endswith("ies")
    count = count_of(m["count"], lex)
    if m["count"] and count is None:
        return None
    if re.fullmatch(r"\d{4}", m["count"] or "") and count >= MIN_YEAR:  # "the 1988 quarter": a year, not a count
        ref = ctx.reference or ""
        return dated(f"{int(count)}{ref[4:]}" if unit == "quarter" and re.fullmatch(r"\d{4}-Q\d", ref)
                     else str(int(count)))
    if count is None:
        count = "X" if plural else 1
    if tail in ("ago", "earlier", "later", "before", "after", "from now", "hence", "before that"):
        if count == "X":
            return Timex("DATE", "FUTURE_REF" if tail in ("from now", "hence", "later") else "PAST_REF")
        back = tail in ("ago", "earlier", "before", "before that")
        return dated(_shifted(ctx, unit, -count if back else count, anaphoric=tail not in ("ago", "from now", "hence")))
    if direction in ("next", "following", "previous") and count == 1 and not m["count"] and not plural:
        step = -1 if direction == "previous" else 1  # "the next day": from the reference, if it is a date
        ref = ctx.reference or ""
        if unit == "day" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref):
            return dated(shift(dt.date.fromisoformat(ref), "day", step))
        if unit == "year" and re.match(r"\d{4}", ref):
            return dated(f"{int(ref[:4]) + step:04d}")
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
    if code not in smaller:  # "1.5 quarters": TimeML allows a decimal
        return f"P{t}{count:g}{code}"
    whole, rest = int(count), round((count - int(count)) * smaller[code][0])
    sub_t = "T" if code == "D" else t
    head = f"{whole}{code}" if whole else ""
    return f"P{t}{head}{'' if t or not sub_t else 'T'}{rest}{smaller[code][1]}" if head or rest else f"P{t}0{code}"


def in_units(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'in 2 years', 'within two weeks' -> the period that far ahead of the anchor."""
    m = re.fullmatch(rf"in (?P<count>.+?) (?P<unit>{lex.unit})", s)
    count = count_of(m["count"], lex) if m else None
    if count is None or count == "X" or count != int(count) or ctx.anchor is None:
        return None
    return dated(shift(ctx.anchor, lex.unit_of[m["unit"]], int(count)))



def repetition(s: str, ctx: Context, lex: TimexLexicon) -> Timex | None:
    """'daily', 'every week', 'each Thursday', 'each July', 'twice a year', 'per month'."""
    if s in lex.sets:
        return Timex("SET", lex.sets[s])
    m = re.fullmatch(r"(?:(?:once|twice|\w+ times) )?(?P<w>every|each|per|a) (?:other )?(?P<rest>.+)", s)
    if not m or (m["w"] == "a" and not s.startswith(("once", "twice")) and " times " not in s):
        return None
    rest = m["rest"]
    if rest in lex.weekday_of:
        return Timex("SET", f"XXXX-WXX-{lex.weekday_of[rest]}")
    if rest in lex.month_of:
        return Timex("SET", f"XXXX-{lex.month_of[rest]:02d}")
    if rest in lex.season_of:
        return Timex("SET", f"XXXX-{lex.season_of[rest]}")
    found = counts(rest, Context(None, None, None), lex)
    if found is not None and found.type == "DURATION":
        return Timex("SET", found.value.replace("PX", "P1").replace("PTX", "PT1"))
    return None
