"""Calendar arithmetic for TimeML values: shifting by units, choosing a year, xsd forms.

Kept apart from the grammar (kg.extract.timeml) because it knows nothing of words: it moves dates
by calendar units at the unit's own granularity (a week is 2013-W12, a quarter 2009-Q1) and says
which calendar value (xsd:date, gYearMonth, gYear) a TimeML value has, if any.
"""

from __future__ import annotations

import datetime as dt
import re

PAST, FUTURE = "past", "future"
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# The tense of the verb picks a bare month or day only this close to the publication date: past
# tense also reports dates set ahead ("was extended to Nov. 16").
MAX_TENSE_MONTHS = 10
MAX_TENSE_DAYS = 200


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def quarter_of(day: dt.date, step: int = 0) -> str:
    index = day.year * 4 + (day.month - 1) // 3 + step
    return f"{index // 4}-Q{index % 4 + 1}"


def shift(anchor: dt.date, unit: str, n: int) -> str | None:
    """The period n units away from the anchor, at that unit's granularity."""
    if unit == "year":
        return f"{anchor.year + n:04d}"
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + n
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if unit in ("week", "fortnight"):
        return week_of(anchor + dt.timedelta(weeks=n * (2 if unit == "fortnight" else 1)))
    if unit == "weekend":
        return week_of(anchor + dt.timedelta(weeks=n)) + "-WE"
    if unit == "day":
        return (anchor + dt.timedelta(days=n)).isoformat()
    if unit == "quarter":
        return quarter_of(anchor, n)
    if unit == "decade":
        return f"{anchor.year // 10 + n:03d}"
    if unit == "century":
        return f"{anchor.year // 100 + n:02d}"
    return None


def nearest_year(anchor: dt.date, month: int, day: int | None, direction: str | None,
                 strict: bool = False) -> int:
    """The year of a yearless month or day: on or before the anchor when looking back, on or
    after it when looking ahead (strictly for 'last'/'next'), else the nearest."""
    here = (anchor.month, anchor.day if day else 0)
    there = (month, day or 0)
    year = None
    if direction == PAST:
        year = anchor.year if there < here or (there == here and not strict) else anchor.year - 1
    elif direction == FUTURE:
        year = anchor.year if there > here or (there == here and not strict) else anchor.year + 1
    if year is not None and (strict or (_months_apart(anchor, year, month) <= MAX_TENSE_MONTHS if day is None
                                        else _days_apart(anchor, year, month, day) <= MAX_TENSE_DAYS)):
        return year
    candidates = []  # the tense points too far (past tense, a date it sets ahead): the nearest
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            first = dt.date(year, month, day or 1)
        except ValueError:
            continue
        candidates.append((abs((first - anchor).days), year))
    return min(candidates)[1] if candidates else anchor.year


def _days_apart(anchor: dt.date, year: int, month: int, day: int) -> int:
    try:
        return abs((dt.date(year, month, day) - anchor).days)
    except ValueError:
        return 10**6


def _months_apart(anchor: dt.date, year: int, month: int) -> int:
    return abs((year * 12 + month) - (anchor.year * 12 + anchor.month))


def season_year(anchor: dt.date, code: str, direction: str | None, strict: bool = False) -> int:
    """The year of 'summer', 'last fall', 'next spring' (a winter belongs to the year it starts in):
    looking back, the latest that has begun (ended, for 'last'); looking ahead, the first that has
    not ended (not begun, for 'next'); else the one of the anchor's year."""
    spans = []
    for year in (anchor.year - 2, anchor.year - 1, anchor.year, anchor.year + 1):
        begin = dt.date(year, SEASON_START[code], 1)
        end = dt.date(year + (begin.month + 2) // 12, (begin.month + 2) % 12 + 1, 1)
        spans.append((year, begin, end))
    if direction == PAST:
        return max(y for y, b, e in spans if (e if strict else b) <= anchor)
    if direction == FUTURE:
        return min(y for y, b, e in spans if (b if strict else e) > anchor)
    return anchor.year - (1 if code == "WI" and anchor.month <= 2 else 0)


def easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (a + 11 * h) // 319
    r = (2 * e + 2 * i - k - h + m + 32) % 7
    month = (h - m + r + 90) // 25
    return dt.date(year, month, (h - m + r + month + 19) % 32)


def holiday_date(rule: str, year: int) -> str:
    """'12-25' (a fixed day), '11 4 4' (month, ISO weekday, n-th; -1 the last), or 'easter'."""
    if rule == "easter":
        return easter(year).isoformat()
    if re.fullmatch(r"\d{2}-\d{2}", rule):
        return f"{year:04d}-{rule}"
    month, weekday, nth = (int(x) for x in rule.split())
    if nth > 0:
        first = dt.date(year, month, 1)
        day = first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    else:
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        day = last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)
    return day.isoformat()


def calendar_value(value: str | None) -> tuple[str, str] | None:
    """The xsd calendar value of a TimeML value: '2020-01-07T17:00' -> ('2020-01-07', 'date'),
    '2013-W12' -> the month holding its Thursday, '2009-Q1' / '2012-SU' / '2012-H1' -> the year.
    Decades, references, durations and anything with an unknown part have none."""
    if not value or "X" in value or value.startswith("P"):
        return None
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:T.*)?", value):
        return m[1], "date"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return value, "gYearMonth"
    if re.fullmatch(r"\d{4}", value):
        return value, "gYear"
    if m := re.fullmatch(r"(\d{4})-W(\d{2})(?:-WE)?", value):
        try:
            thursday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 4)
        except ValueError:
            return None
        return f"{thursday.year:04d}-{thursday.month:02d}", "gYearMonth"
    if m := re.fullmatch(r"(\d{4})-(?:Q[1-4]|H[12]|SP|SU|FA|WI)", value):
        return m[1], "gYear"
    return None
