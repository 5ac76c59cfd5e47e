"""Entity rules on hand-built Docs and strings: no statistical model involved."""

import spacy
from spacy.tokens import Doc, Span

from kg.extract.entities import _org_kind, _trim, is_acronym_of, surname_forms


def doc_with_ent(words, start, end, label):
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label)]
    return doc


def test_titles_and_determiners_are_not_part_of_names():
    doc = doc_with_ent(["Iraqi", "Prime", "Minister", "Mustafa", "al-Kadhimi", "spoke"], 1, 5, "PERSON")
    assert _trim(doc.ents[0]).text == "Mustafa al-Kadhimi"
    doc = doc_with_ent(["the", "Iraqi", "Parliament", "'s", "vote"], 0, 4, "ORG")
    assert _trim(doc.ents[0]).text == "Iraqi Parliament"
    doc = doc_with_ent(["General", "Kenneth", "F.", "McKenzie", "Jr."], 0, 5, "PERSON")
    assert _trim(doc.ents[0]).text == "Kenneth F. McKenzie Jr."


def test_a_title_alone_is_kept_rather_than_emptied():
    doc = doc_with_ent(["President", "said"], 0, 1, "PERSON")
    assert _trim(doc.ents[0]).text == "President"


def test_acronyms_follow_schwartz_hearst():
    assert is_acronym_of("ISF", "Iraqi Security Forces")
    assert is_acronym_of("CENTCOM", "US Central Command")
    assert is_acronym_of("CTS", "Counter Terrorism Service")
    assert not is_acronym_of("NATO", "Iraqi Security Forces")


def test_surname_forms_handle_particles_and_suffixes():
    assert surname_forms("Ahmed al-Sharaa") == {"al-Sharaa", "Sharaa"}
    assert "McKenzie" in surname_forms("Kenneth F. McKenzie Jr.")
    assert surname_forms("Madonna") == set()


def test_head_nouns_type_unknown_organizations():
    assert _org_kind("Iraqi Security Forces") == "MilitaryOrganization"
    assert _org_kind("Ministry of Oil") == "Organization"  # head is the last word: 'Oil'
    assert _org_kind("Kataib Sayyid al-Shuhada Party") == "PoliticalParty"
    assert _org_kind("Iraqi Parliament") == "Legislature"


# --- rules that need the article (kg.extract.entity_context), on the real pipeline ------------

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def mentions_of():
    from kg.extract.entities import find_mentions
    from kg.nlp.model import load_pipeline
    from kg.nlp.places import load_gazetteer

    nlp, gaz = load_pipeline(), load_gazetteer()

    def run(text):
        return find_mentions(nlp(text), "t", gaz)[0]
    return run


def test_dateline_city_is_a_place(mentions_of):
    found = mentions_of("NAIROBI, March 3 - Kenyan police said on Monday that protests continued.")
    nairobi = next(m for m in found if m.text == "NAIROBI")
    assert nairobi.kind == "City" and nairobi.key == "city/184745"


def test_generic_organization_names_keep_their_owner(mentions_of):
    found = mentions_of("France's Interior Ministry and Spain's Interior Ministry both issued warnings.")
    names = {m.name for m in found if m.kind != "Country"}
    assert "France's Interior Ministry" in names and "Spain's Interior Ministry" in names


def test_weapons_and_laws_are_not_actors(mentions_of):
    found = mentions_of("Germany sent Patriot systems, and Congress passed the Defense Production Act.")
    assert not any(m.text == "Patriot" or "Act" in m.text for m in found)


def test_line_breaks_end_sentences():
    from kg.nlp.model import load_pipeline

    doc = load_pipeline()("Aid convoys stalled\nThe United Nations said trucks waited at the border.")
    assert [s.text.strip() for s in doc.sents][0] == "Aid convoys stalled"


def test_rank_abbreviations_stay_one_token():
    from kg.nlp.model import load_pipeline

    doc = load_pipeline()("Lt. Col. Ana Ruiz and Capt. Tom Lee spoke.")
    assert "Col." in [t.text for t in doc] and len(list(doc.sents)) == 1
