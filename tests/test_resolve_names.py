"""Partial names, spellings, legal forms and initials: what joins and what is kept apart
(hand-built mention records, no model)."""

from kg.records import Alias, Mention
from kg.resolve.entities import resolve
from kg.resolve.names import fits, initials, org_core, person_tokens


class NoGazetteer:
    def get(self, key):
        return None


def m(doc, start, text, kind="Person", name=None, rule="ner"):
    return Mention(doc, start, start + len(text), text, kind, (0, 500), None, rule, name or text)


def keys(res, *mentions):
    return [res.key_of(x) for x in mentions]


def reasons(res, form):
    return [s.reason for s in res.merge_log if s.form == form]


def test_titles_suffixes_and_the_arabic_article_are_not_name_parts():
    assert person_tokens("Defense Secretary Lloyd J. Austin III") == person_tokens("Lloyd J. Austin")
    assert person_tokens("al-Sharaa") == person_tokens("Al-Sharaa") == person_tokens("Sharaa")
    assert person_tokens("Al Gore")[0] == "al"  # a given name, not an article


def test_transliterations_agree_but_different_names_do_not():
    assert person_tokens("Mustafa al-Kadhimi")[-1] == person_tokens("Kazemi")[0]
    assert person_tokens("Qasem Soleimani") == person_tokens("Qassem Soleimani")
    assert person_tokens("Hassan") != person_tokens("Hussein")
    assert person_tokens("Jones") != person_tokens("Janes")


def test_what_fits_a_full_name():
    full = person_tokens("Lloyd J. Austin III")
    assert fits(person_tokens("Austin"), full) == "surname"
    assert fits(person_tokens("Lloyd Austin"), full) and fits(person_tokens("J. Austin"), full)
    assert fits(person_tokens("Lloyd"), full, given=True) == "given name"
    assert fits(person_tokens("Lloyd"), full, given=False) is None
    assert fits(person_tokens("Salman"), person_tokens("Mohammed bin Salman")) is None
    assert fits(person_tokens("Stephen Austin"), full) is None


def test_surname_middle_name_and_title_forms_are_one_person():
    a = m("A", 0, "Lloyd J. Austin III")
    b = m("A", 40, "Lloyd Austin")
    c = m("A", 80, "Austin", rule="surname")
    res = resolve([a, b, c], [], NoGazetteer())
    assert len(set(keys(res, a, b, c))) == 1 and len(res.entities) == 1
    assert any("middle names" in r for r in reasons(res, "Lloyd Austin"))


def test_two_austins_in_one_article_keep_the_surname_apart_and_say_so():
    a, b = m("A", 0, "Lloyd Austin"), m("A", 30, "Stephen Austin")
    short = m("A", 60, "Austin")
    res = resolve([a, b, short], [], NoGazetteer())
    assert len(set(keys(res, a, b, short))) == 3
    assert any("kept apart" in r and "Lloyd Austin" in r and "Stephen Austin" in r for r in reasons(res, "Austin"))


def test_a_surname_is_read_in_its_own_article_before_the_corpus():
    here = m("A", 0, "Lloyd Austin"), m("A", 50, "Austin")
    there = m("B", 0, "Stephen Austin"), m("B", 50, "Austin")
    res = resolve([*here, *there], [], NoGazetteer())
    assert res.key_of(here[1]) == res.key_of(here[0]) != res.key_of(there[1]) == res.key_of(there[0])


def test_a_surname_alone_joins_the_only_full_name_in_the_corpus():
    full, short = m("A", 0, "Ahmed al-Sharaa"), m("B", 10, "Sharaa")
    res = resolve([full, short], [], NoGazetteer())
    assert res.key_of(full) == res.key_of(short)
    assert any("across articles" in r for r in reasons(res, "Sharaa"))


def test_a_surname_two_people_share_in_the_corpus_stays_in_its_article():
    people = [m("A", 0, "Lloyd Austin"), m("B", 0, "Stephen Austin")]
    short = m("C", 0, "Austin")
    res = resolve([*people, short], [], NoGazetteer())
    assert res.key_of(short) not in keys(res, *people)


def test_a_given_name_alone_joins_only_in_its_own_article():
    full, given, elsewhere = m("A", 0, "Ahmed al-Sharaa"), m("A", 40, "Ahmed"), m("B", 0, "Ahmed")
    res = resolve([full, given, elsewhere], [], NoGazetteer())
    assert res.key_of(given) == res.key_of(full) != res.key_of(elsewhere)


def test_middle_names_and_spellings_join_across_articles():
    a, b = m("A", 0, "Ahmed Hussein al-Sharaa"), m("B", 0, "Ahmed al-Sharaa")
    c, d = m("A", 50, "Qasem Soleimani"), m("C", 0, "Qassem Soleimani")
    res = resolve([a, b, c, d], [], NoGazetteer())
    assert res.key_of(a) == res.key_of(b) and res.key_of(c) == res.key_of(d) != res.key_of(a)


def test_a_mononym_is_one_name_across_articles():
    a, b = m("A", 0, "Lula"), m("B", 0, "Lula")
    res = resolve([a, b], [], NoGazetteer())
    assert res.key_of(a) == res.key_of(b)


def test_a_stated_alias_joins_and_becomes_an_alternative_name():
    full, alias = m("A", 0, "Ahmed al-Sharaa"), m("A", 40, "Abu Mohammed al-Julani")
    res = resolve([full, alias], [Alias("A", full.span, alias.span, "stated alias: 'also known as' in: ...")],
                  NoGazetteer())
    assert len(res.entities) == 1 and "Abu Mohammed al-Julani" in res.entities[0].alt_labels
    assert any("also known as" in r for r in reasons(res, "Abu Mohammed al-Julani"))


def test_pronouns_and_nominals_join_their_antecedent_without_becoming_names():
    full = m("A", 0, "Lloyd Austin")
    he = m("A", 40, "he", name="Lloyd Austin", rule="pronoun")
    general = m("A", 80, "the general", name="Lloyd Austin", rule="nominal")
    res = resolve([full, he, general], [], NoGazetteer())
    assert len(res.entities) == 1 and res.key_of(he) == res.key_of(general) == res.key_of(full)
    assert res.entities[0].alt_labels == () and res.entities[0].mention_count == 3
    assert any("pronoun" in r for r in reasons(res, "he"))


def test_company_legal_forms_and_trade_words_do_not_part_names():
    assert org_core("Apple Computer, Inc.") == org_core("Apple Inc.") == org_core("Apple")
    assert org_core("Ford Motor Company") == org_core("Ford")
    assert org_core("General Motors Corporation") == org_core("General Motors") != org_core("General")
    forms = [m("A", 0, "Apple Inc.", "Company"), m("B", 0, "Apple", "Organization"),
             m("C", 0, "Apple Computer", "Organization")]
    res = resolve(forms, [], NoGazetteer())
    assert len(res.entities) == 1 and res.entities[0].kind == "Company"


def test_different_companies_with_a_shared_first_word_stay_apart():
    res = resolve([m("A", 0, "Apple", "Organization"), m("A", 10, "Apple TV", "Organization"),
                   m("B", 0, "Boeing Commercial Airplanes", "Company"), m("B", 40, "Boeing", "Company")],
                  [], NoGazetteer())
    assert len(res.entities) == 4


def test_initials_of_a_name_in_the_article_or_the_only_one_in_the_corpus():
    assert "GM" in initials("General Motors Corporation") and "USAF" in initials("U.S. Air Force")
    gm_full, gm = m("A", 0, "General Motors", "Company"), m("A", 30, "GM", "Organization")
    elsewhere = m("B", 0, "GM", "Organization")
    res = resolve([gm_full, gm, elsewhere], [], NoGazetteer())
    assert res.key_of(gm) == res.key_of(gm_full) == res.key_of(elsewhere)
    assert any("initials" in r for r in reasons(res, "GM"))


def test_initials_two_names_spell_are_kept_apart():
    a, b = m("A", 0, "General Motors", "Company"), m("B", 0, "Green Mountain", "Company")
    gm = m("C", 0, "GM", "Organization")
    res = resolve([a, b, gm], [], NoGazetteer())
    assert res.key_of(gm) not in (res.key_of(a), res.key_of(b))
    assert any("kept apart" in r for r in reasons(res, "GM"))
