"""kg.extract.linking on Docs parsed by the real model: which event a time and a count belong to."""

from __future__ import annotations

import pytest

from kg.extract.linking import attach, is_dateline, quantity_facts
from kg.extract.quantities import find_quantities
from kg.extract.timex import find_times
from kg.nlp.model import load_pipeline
from kg.records import EventRecord


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(None)


def event(doc, word, etype, nth=0):
    """An EventRecord on the nth occurrence of `word`, in its sentence."""
    tok = [t for t in doc if t.text == word][nth]
    sent = tok.sent
    return EventRecord(doc_id="t", type=etype, trigger_start=tok.idx, trigger_end=tok.idx + len(tok.text),
                       trigger=tok.text, sentence=(sent.start_char, sent.end_char))


def test_time_goes_to_the_trigger_that_governs_it(nlp):
    doc = nlp("Britain has been Kyiv's steadfast ally since Russia's invasion in February 2022, "
              "the minister said on Monday.")
    events = [event(doc, "invasion", "Invasion"), event(doc, "said", "Statement")]
    out = attach(doc, events, find_times(doc, None), [])
    by_type = {ev.type: ev.time.text if ev.time else None for ev in out}
    assert by_type["Invasion"] == "February 2022"
    assert by_type["Statement"] != "February 2022"


def test_the_sentence_date_wins_over_the_dateline(nlp):
    import datetime as dt
    doc = nlp("NIAMEY, March 4 - The army said on Monday it had retaken the town.")
    times = find_times(doc, dt.date(2024, 3, 4))
    assert any(is_dateline(doc, t) for t in times)
    (out,) = attach(doc, [event(doc, "said", "Statement")], times, [])
    assert out.time is not None and "Monday" in out.time.text


def test_money_and_percent_attach_to_no_event_and_have_no_actor(nlp):
    doc = nlp("Japan approved $1.2 billion in aid and deployed 300 troops to Djibouti.")
    quantities = find_quantities(doc)
    (out,) = attach(doc, [event(doc, "deployed", "Deployment")], [], quantities)
    assert [q.unit for q in out.quantities] == ["troops"]
    facts = {f.quantity.unit: f for f in quantity_facts(doc, quantities, [], [])}
    assert facts["USD"].actor is None and facts["USD"].place is None


def test_a_date_of_another_thing_in_the_sentence_does_not_date_the_event(nlp):
    doc = nlp("The minister said on Tuesday that the 2008 agreement no longer applies.")
    (out,) = attach(doc, [event(doc, "said", "Statement")], find_times(doc, "2024-05-02"), [], "2024-05-02")
    assert out.time.text == "Tuesday" and out.time.value == "2024-04-30"


def test_an_event_whose_clause_states_no_time_takes_the_publication_date_marked_as_such(nlp):
    from kg.records import FROM_PUBLICATION
    doc = nlp("The ministry said the 2008 agreement no longer applies.")
    (out,) = attach(doc, [event(doc, "said", "Statement")], find_times(doc, "2024-05-02"), [], "2024-05-02")
    assert (out.time.value, out.time.datatype, out.time.source) == ("2024-05-02", "date", FROM_PUBLICATION)


def test_a_time_in_another_clause_goes_to_that_clause_not_to_the_statement(nlp):
    doc = nlp("The official said the troops would leave by the end of next year.")
    events = [event(doc, "said", "Statement"), event(doc, "leave", "Withdrawal")]
    out = {ev.type: ev.time for ev in attach(doc, events, find_times(doc, "2025-01-15"), [], "2025-01-15")}
    assert out["Withdrawal"].value == "2026" and out["Withdrawal"].mod == "END"
    assert out["Statement"].source == "publication"


def test_a_partial_publication_date_dates_events_at_its_own_precision(nlp):
    doc = nlp("The ministry announced new rules.")
    (month,) = attach(doc, [event(doc, "announced", "Statement")], [], [], "2021-12")
    (year,) = attach(doc, [event(doc, "announced", "Statement")], [], [], "2021")
    assert (month.time.value, month.time.datatype) == ("2021-12", "gYearMonth")
    assert (year.time.value, year.time.datatype) == ("2021", "gYear")


def test_an_undated_article_leaves_an_event_without_a_time(nlp):
    doc = nlp("The ministry announced new rules.")
    (out,) = attach(doc, [event(doc, "announced", "Statement")], [], [], None)
    assert out.time is None
