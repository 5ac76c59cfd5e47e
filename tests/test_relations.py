"""Relation patterns on sentences parsed by spaCy: posts, parts of groups, places in places.

The sentences are written for these tests (not taken from the example or held-out articles);
each test names the pattern it exercises and would fail if the rule were removed.
"""

from __future__ import annotations

import pytest

from kg.extract.entities import find_mentions
from kg.extract.relation_rules import relation_lexicon
from kg.extract.relations import find_relations
from kg.nlp.model import load_pipeline
from kg.nlp.places import load_gazetteer


@pytest.fixture(scope="module")
def relate():
    nlp, gazetteer = load_pipeline(None), load_gazetteer()

    def run(text: str) -> list[tuple[str, str, str | None, str | None, bool]]:
        doc = nlp(text)
        mentions, _ = find_mentions(doc, "t", gazetteer, ())
        return [(r.predicate, text[r.subject[0]:r.subject[1]],
                 text[r.object[0]:r.object[1]] if r.object else None, r.role, r.former)
                for r in find_relations(doc, "t", mentions)]

    return run


def roles(found, person):
    return {(role, org, former) for pred, subj, org, role, former in found
            if pred == "holds_role" and subj == person}


def test_lowercase_role_noun_after_organization(relate):
    found = relate("Hezbollah spokesman Ahmed Khalil said the group would respond to the strike on Beirut.")
    assert ("spokesman", "Hezbollah", False) in roles(found, "Ahmed Khalil")


def test_possessive_role_then_apposition(relate):
    found = relate("Iraq's foreign minister, Fuad Hussein, arrived in Tehran on Sunday.")
    assert ("foreign minister", "Iraq", False) in roles(found, "Fuad Hussein")


def test_role_for_organization_picks_the_organization_not_its_possessive(relate):
    found = relate("Saad Maan, a spokesman for Iraq's Ministry of Interior, told reporters in Baghdad "
                   "that five people died.")
    assert roles(found, "Saad Maan") == {("spokesman", "Ministry of Interior", False)}


def test_ousting_marker_makes_the_post_former(relate):
    found = relate("Protesters in Khartoum demanded the trial of deposed President Omar al-Bashir.")
    assert ("President", None, True) in roles(found, "Omar al-Bashir")


def test_rank_abbreviation_is_spelled_out_and_outer_post_keeps_owner(relate):
    found = relate("U.S. special envoy Tom Barrack met Lebanese officials in Beirut.")
    assert ("special envoy", "U.S.", False) in roles(found, "Tom Barrack")
    found = relate("Army spokesman Lt. Col. Nadav Shoshani said troops entered the town.")
    labels = {role for role, _, _ in roles(found, "Nadav Shoshani")}
    assert "Lieutenant Colonel" in labels and not any(r.endswith(".") for r in labels)
    assert relation_lexicon().abbreviations["Capt."] == "Captain"


def test_commander_of_a_group_leads_it(relate):
    found = relate("Hamas commander Yahya Sinwar was killed in Rafah, the army said.")
    assert ("led_by", "Hamas", "Yahya Sinwar", None, False) in found


def test_copular_part_of(relate):
    found = relate("Hayat Tahrir al-Sham was once part of al Qaeda, analysts say.")
    assert ("part_of", "Hayat Tahrir al-Sham", "al Qaeda", None, False) in found


def test_possessive_affiliate_apposition_is_part_of(relate):
    found = relate("The attack was claimed by al Qaeda's Yemen affiliate, al Qaeda in the Arabian Peninsula (AQAP).")
    assert ("part_of", "al Qaeda in the Arabian Peninsula", "al Qaeda", None, False) in found


def test_place_comma_in_place_with_possessive(relate):
    found = relate("The wounded were taken to a hospital in Mosul, in Iraq's Nineveh province.")
    located = {(s, o) for p, s, o, _, _ in found if p == "located_in"}
    assert ("Mosul", "Mosul") not in located
    assert any(s == "Mosul" and o.startswith("Nineveh") for s, o in located)


def test_place_noun_of_place_with_demonym(relate):
    found = relate("Migrants landed on the Greek island of Lesbos on Monday.")
    assert ("located_in", "Lesbos", "Greek", None, False) in found


def test_demonym_inside_armed_group_name_is_not_ownership(relate):
    found = relate("The Syrian Democratic Forces (SDF) and the Iraqi Security Forces met in Baghdad.")
    owned = {(s, role) for p, s, o, role, _ in found if p == "part_of"}
    assert ("Iraqi Security Forces", "country/iq") in owned
    assert not any(s.startswith("Syrian Democratic") or s == "SDF" for s, _ in owned)


def test_country_named_after_of_inside_organization(relate):
    found = relate("The Armed Forces of Ukraine said Russia fired 40 missiles.")
    assert ("part_of", "Armed Forces of Ukraine", None, "country/ua", False) in found


def test_its_role_refers_to_the_organization_of_the_previous_sentence(relate):
    found = relate("Iran's Foreign Ministry rejected the report. Its spokesman, Esmaeil Baghaei, called it baseless.")
    assert ("spokesman", "Foreign Ministry", False) in roles(found, "Esmaeil Baghaei")


def test_apposition_after_a_prepositional_phrase_and_on_committee(relate):
    found = relate("Sen. Jim Risch of Idaho, the top Republican on the Senate Foreign Relations Committee, "
                   "backed the bill.")
    assert ("top Republican", "Senate Foreign Relations Committee", False) in roles(found, "Jim Risch")
    assert ("Senator", None, False) in roles(found, "Jim Risch")


def test_party_label_alone_is_not_a_post(relate):
    found = relate("Sen. Lindsey Graham, a Republican from South Carolina, said he would back the bill.")
    assert not any("Republican" in (role or "") for role, _, _ in roles(found, "Lindsey Graham"))


def test_the_city_s_district_refers_back_and_the_district_noun_sets_its_level(relate):
    found = relate("Israeli strikes hit Beirut on Friday, officials said. "
                   "Rescuers searched the city's Dahiyeh district all night.")
    assert ("located_in", "Dahiyeh district", "Beirut", None, False) in found


def test_one_of_the_factions_in_the_group_refers_back_to_the_last_armed_group(relate):
    found = relate("The Syrian National Army attacked Manbij. The Sultan Murad Division, one of the largest "
                   "factions in the group, led the assault.")
    assert ("part_of", "Sultan Murad Division", "Syrian National Army", None, False) in found
