"""Time normalization: absolute, relative (only with a publication date) and vague expressions."""

from datetime import date, datetime

import pytest

from kg.extract.timex import find_times, normalize
from kg.nlp.model import load_pipeline

# A Wednesday, so weekday resolution has days on both sides of it.
PUB = date(2025, 1, 15)

# (expression, calendar value without publication date, then with PUB: calendar value, its
# datatype, TimeML value, TimeML type, TimeML mod)
CASES = [
    # absolute: the same with or without a publication date
    ("2003", "2003", "2003", "gYear", "2003", "DATE", None),
    ("in 2017", "2017", "2017", "gYear", "2017", "DATE", None),
    ("January 2020", "2020-01", "2020-01", "gYearMonth", "2020-01", "DATE", None),
    ("Jan. 2020", "2020-01", "2020-01", "gYearMonth", "2020-01", "DATE", None),
    ("Sept. 9, 2021", "2021-09-09", "2021-09-09", "date", "2021-09-09", "DATE", None),
    ("September 9, 2021", "2021-09-09", "2021-09-09", "date", "2021-09-09", "DATE", None),
    ("9 September 2021", "2021-09-09", "2021-09-09", "date", "2021-09-09", "DATE", None),
    ("2021-09-09", "2021-09-09", "2021-09-09", "date", "2021-09-09", "DATE", None),
    ("the 9th of September 2021", "2021-09-09", "2021-09-09", "date", "2021-09-09", "DATE", None),
    ("Tuesday, Jan. 7, 2020", "2020-01-07", "2020-01-07", "date", "2020-01-07", "DATE", None),
    ("the start of 2025", "2025", "2025", "gYear", "2025", "DATE", "START"),
    ("early 2025", "2025", "2025", "gYear", "2025", "DATE", "START"),
    ("mid-2019", "2019", "2019", "gYear", "2019", "DATE", "MID"),
    ("late 2019", "2019", "2019", "gYear", "2019", "DATE", "END"),
    ("the summer of 2019", "2019", "2019", "gYear", "2019-SU", "DATE", None),
    ("the end of January 2020", "2020-01", "2020-01", "gYearMonth", "2020-01", "DATE", "END"),
    ("the first quarter of 2009", "2009", "2009", "gYear", "2009-Q1", "DATE", None),
    # a decade has a TimeML value but no calendar one; impossible dates and out-of-range years none
    ("the 1990s", None, None, None, "199", "DATE", None),
    ("Feb. 30, 2021", None, None, None, None, None, None),
    ("1750", None, None, None, None, None, None),
    ("2150", None, None, None, None, None, None),
    # relative: only with the publication date
    ("today", None, "2025-01-15", "date", "2025-01-15", "DATE", None),
    ("Yesterday", None, "2025-01-14", "date", "2025-01-14", "DATE", None),
    ("tomorrow", None, "2025-01-16", "date", "2025-01-16", "DATE", None),
    ("last night", None, "2025-01-14", "date", "2025-01-14TNI", "TIME", None),
    ("Tuesday", None, "2025-01-14", "date", "2025-01-14", "DATE", None),
    ("on Wednesday", None, "2025-01-15", "date", "2025-01-15", "DATE", None),  # the publication day
    ("Thursday", None, "2025-01-09", "date", "2025-01-09", "DATE", None),  # most recent, not the day after
    ("last Wednesday", None, "2025-01-08", "date", "2025-01-08", "DATE", None),
    ("next Tuesday", None, "2025-01-21", "date", "2025-01-21", "DATE", None),
    ("Tuesday night", None, "2025-01-14", "date", "2025-01-14TNI", "TIME", None),
    ("last year", None, "2024", "gYear", "2024", "DATE", None),
    ("this year", None, "2025", "gYear", "2025", "DATE", None),
    ("earlier this year", None, "2025", "gYear", "2025", "DATE", "START"),
    ("late last year", None, "2024", "gYear", "2024", "DATE", "END"),
    ("next year", None, "2026", "gYear", "2026", "DATE", None),
    ("the end of the year", None, "2025", "gYear", "2025", "DATE", "END"),
    ("last month", None, "2024-12", "gYearMonth", "2024-12", "DATE", None),
    ("this month", None, "2025-01", "gYearMonth", "2025-01", "DATE", None),
    ("last week", None, "2025-01", "gYearMonth", "2025-W02", "DATE", None),  # calendar: its Thursday's month
    ("this week", None, "2025-01", "gYearMonth", "2025-W03", "DATE", None),
    ("the past week", None, "2025-01", "gYearMonth", "2025-W02", "DATE", None),
    ("the last year", None, "2024", "gYear", "2024", "DATE", None),
    ("in 2 years", None, "2027", "gYear", "2027", "DATE", None),
    ("two years ago", None, "2023", "gYear", "2023", "DATE", None),
    ("about two years ago", None, "2023", "gYear", "2023", "DATE", "APPROX"),
    ("a week or so ago", None, "2025-01", "gYearMonth", "2025-W02", "DATE", "APPROX"),
    ("three months ago", None, "2024-10", "gYearMonth", "2024-10", "DATE", None),
    ("5 days ago", None, "2025-01-10", "date", "2025-01-10", "DATE", None),
    ("March 15", None, "2025-03-15", "date", "2025-03-15", "DATE", None),
    ("December", None, "2024-12", "gYearMonth", "2024-12", "DATE", None),  # the nearest December
    ("last June", None, "2024-06", "gYearMonth", "2024-06", "DATE", None),
    ("late last July", None, "2024-07", "gYearMonth", "2024-07", "DATE", "END"),
    ("next spring", None, "2025", "gYear", "2025-SP", "DATE", None),
    ("the third quarter", None, "2024", "gYear", "2024-Q3", "DATE", None),  # the latest one
    ("the weekend", None, "2025-01", "gYearMonth", "2025-W02-WE", "DATE", None),
    ("Christmas", None, "2024-12-25", "date", "2024-12-25", "DATE", None),
    ("now", None, "2025-01-15", "date", "PRESENT_REF", "DATE", None),
    # vague periods, references, durations and sets: a TimeML value, never a calendar one
    ("the coming months", None, None, None, "FUTURE_REF", "DATE", None),
    ("recently", None, None, None, "PAST_REF", "DATE", None),
    ("recent years", None, None, None, "PAST_REF", "DATE", None),
    ("months", None, None, None, "PXM", "DURATION", None),
    ("nearly two decades", None, None, None, "P20Y", "DURATION", "LESS_THAN"),
    ("a decade", None, None, None, "P10Y", "DURATION", None),
    ("2 years", None, None, None, "P2Y", "DURATION", None),
    ("three years", None, None, None, "P3Y", "DURATION", None),
    ("2 1/2 years", None, None, None, "P2Y6M", "DURATION", None),
    ("every week", None, None, None, "P1W", "SET", None),
    ("daily", None, None, None, "P1D", "SET", None),
    ("the next day", None, None, None, None, "DATE", None),  # anaphoric: the day after some event
]


@pytest.mark.parametrize("text, bare, value, datatype, timex, type_, mod", CASES, ids=[c[0] for c in CASES])
def test_normalize_table(text, bare, value, datatype, timex, type_, mod):
    without = normalize(text)
    assert (without.text, without.value) == (text, bare)
    assert without.datatype == (datatype if bare else None)
    with_date = normalize(text, PUB)
    assert (with_date.text, with_date.value, with_date.datatype) == (text, value, datatype)
    assert (with_date.timex, with_date.type, with_date.mod) == (timex, type_, mod)


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
    return load_pipeline(None)


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
                                  "hours", "months-long", "Eid al-Fitr", "every week"])
def test_ages_durations_sets_and_lunar_holidays_date_nothing(text):
    from kg.extract.timex import is_non_time
    assert is_non_time(normalize(text, date(2024, 3, 5)))


@pytest.mark.parametrize("text", ["on Friday", "Christmas 2023", "the coming months", "March 2021"])
def test_dates_and_vague_periods_stay_times(text):
    from kg.extract.timex import is_non_time
    assert not is_non_time(normalize(text, date(2024, 3, 5)))


def test_the_tense_of_the_verb_points_a_bare_month_back_or_ahead(nlp):
    spring = date(2013, 3, 20)
    past = find_times(nlp("The company said it cut 300 jobs in August."), spring)
    ahead = find_times(nlp("The company will open a second plant in August."), spring)
    assert [t.timex for t in past] == ["2012-08"]
    assert [t.timex for t in ahead] == ["2013-08"]


def test_a_past_tense_verb_does_not_push_a_date_set_ahead_a_year_back(nlp):
    autumn = date(2019, 10, 30)
    (deadline,) = find_times(nlp("The offer was extended to Nov. 16."), autumn)
    assert deadline.timex == "2019-11-16"


def test_since_looks_back_even_without_a_past_tense(nlp):
    times = find_times(nlp("Inspectors have not been allowed in since Jan. 13."), date(2018, 3, 6))
    assert [t.timex for t in times] == ["2018-01-13"]


def test_find_times_adds_the_time_words_the_model_leaves_out(nlp):
    text = "Prices are now falling, as they did recently, and the board meets every week."
    times = {t.text: (t.timex, t.type) for t in find_times(nlp(text), date(2024, 5, 2))}
    assert times["now"] == ("PRESENT_REF", "DATE")
    assert times["recently"] == ("PAST_REF", "DATE")
    assert times["every week"] == ("P1W", "SET")


def test_find_times_gives_each_time_its_sentence(nlp):
    text = "Talks began on Monday. They ended two days later."
    doc = nlp(text)
    times = find_times(doc, date(2024, 5, 2))
    for t in times:
        assert t.sentence is not None and t.sentence[0] <= t.start < t.end <= t.sentence[1]


def test_a_partial_publication_date_anchors_nothing_but_absolute_dates_keep_their_value(nlp):
    times = {t.text: t for t in find_times(nlp("In March 2020 the plant closed; last year it reopened."), "2021-12")}
    assert times["March 2020"].value == "2020-03"
    assert times["last year"].value is None and times["last year"].type == "DATE"


def test_a_malformed_lexicon_is_named():
    from kg.extract.timex_lexicon import LexiconError, parse_lexicon
    with pytest.raises(LexiconError, match="timex.yaml.*format"):
        parse_lexicon({"months": {}})
