"""Stated aliases, pronouns, nominal mentions, short organization names and speakers, on
hand-written sentences run through the whole extraction (the pipeline of kg.nlp.model)."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import extract_article
from kg.records import Document


@pytest.fixture(scope="module")
def extract():
    from kg.nlp.model import load_pipeline
    from kg.nlp.places import load_gazetteer

    nlp, gazetteer = load_pipeline(None), load_gazetteer()

    def run(text: str):
        return extract_article(nlp(text), Document("t", text, "t.txt"), gazetteer)

    return run


def refs(records, rule=None):
    return [(m.text, m.name) for m in records.mentions if m.rule in ((rule,) if rule else ("pronoun", "nominal"))]


def test_a_stated_alias_is_an_alias_with_its_sentence(extract):
    r = extract("Ahmed al-Sharaa, also known as Abu Mohammed al-Julani, leads the group. He spoke on Monday.")
    reasons = [a.reason for a in r.aliases if a.reason.startswith("stated alias")]
    assert len(reasons) == 1 and "also known as" in reasons[0] and "leads the group" in reasons[0]


def test_a_nom_de_guerre_nobody_tagged_becomes_a_mention(extract):
    r = extract("The rebels are led by Ahmed al-Sharaa, whose nom de guerre is Abu Mohammed al-Julani.")
    assert any(a.reason.startswith("stated alias ('whose nom de guerre is')") for a in r.aliases)
    assert any("Julani" in m.text and m.kind == "Person" for m in r.mentions)


def test_a_cue_before_a_title_states_no_alias(extract):
    r = extract("Lloyd Austin, formerly CENTCOM commander, visited Baghdad on Monday.")
    assert not [a for a in r.aliases if a.reason.startswith("stated alias")]


def test_a_list_is_not_an_or_alias(extract):
    r = extract("Troops left Iraq, Syria, or Jordan, officials said.")
    assert not [a for a in r.aliases if a.reason.startswith("stated alias")]


def test_he_said_is_the_one_person_named_before(extract):
    r = extract("Defense Secretary Lloyd Austin visited Baghdad on Monday. He said the drawdown would continue.")
    assert ("He", "Lloyd Austin") in refs(r, "pronoun")


def test_a_pronoun_with_two_candidates_stays_unresolved(extract):
    r = extract("Officials welcomed Lloyd Austin and Mark Milley in Baghdad. He said the drawdown would continue.")
    assert not refs(r, "pronoun")


def test_of_two_candidates_the_subject_is_preferred(extract):
    r = extract("Lloyd Austin met Mark Milley in Baghdad. He said the drawdown would continue.")
    assert ("He", "Lloyd Austin") in refs(r, "pronoun")


def test_the_reporting_subject_binds_he_and_the_object_is_someone_else(extract):
    r = extract("Mark Milley arrived on Monday. Lloyd Austin said he would stay and thanked him.")
    assert ("he", "Lloyd Austin") in refs(r) and ("him", "Mark Milley") in refs(r)


def test_gender_cues_choose_between_two_people(extract):
    r = extract("Ms. Maria Lopez met Mr. John Smith in Madrid. She said talks would resume.")
    assert ("She", "Maria Lopez") in refs(r, "pronoun")


def test_a_pronoun_in_a_quotation_is_left_alone_but_i_is_the_speaker(extract):
    r = extract('Lloyd Austin spoke in Baghdad. "He will not stay, and I will not wait," Austin said.')
    assert ("He", "Lloyd Austin") not in refs(r)
    assert ("I", "Lloyd Austin") in refs(r)


def test_the_general_is_the_one_general_the_article_named(extract):
    r = extract("Gen. Mark Milley visited Baghdad. Secretary Lloyd Austin stayed in Washington. "
                "The general said troops would stay.")
    assert ("The general", "Mark Milley") in refs(r, "nominal")


def test_a_post_two_people_hold_is_left_alone(extract):
    r = extract("Gen. Mark Milley and Gen. Frank McKenzie visited Baghdad. The general said troops would stay.")
    assert not refs(r, "nominal")


def test_the_force_and_a_short_name_are_the_organization_named_before(extract):
    r = extract("Iran's Quds Force backed the militias for years. Analysts said the Force would stay in Iraq. "
                "The attack was ordered by Quds, officials said.")
    names = {(m.text, m.name, m.rule) for m in r.mentions}
    assert ("the Force", "Quds Force", "nominal") in names
    assert any(t == "Quds" and n == "Quds Force" for t, n, _ in names)


def test_unnamed_sources_are_people_not_documents(extract):
    r = extract("A senior defense official said 2,500 troops would remain. The agreement says troops will leave.")
    speakers = [a.text for e in r.events for a in e.arguments if a.role == "speaker"]
    assert "A senior defense official" in speakers and "The agreement" not in speakers
