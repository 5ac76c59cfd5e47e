"""Entity resolution on hand-built mention records (no model, no real gazetteer)."""

from kg.records import Alias, Mention
from kg.resolve.entities import normalize, resolve


class FakeEntry:
    def __init__(self, key, name, kind, wikidata=None, geonames=None, lat=None, lon=None, country=None):
        self.key, self.name, self.kind, self.country = key, name, kind, country
        self.wikidata, self.geonames, self.lat, self.lon = wikidata, geonames, lat, lon


class FakeGazetteer:
    def __init__(self, *entries):
        self.entries = {e.key: e for e in entries}

    def get(self, key):
        return self.entries.get(key)


def m(doc, start, text, kind, key=None, name=None, rule="ner"):
    return Mention(doc, start, start + len(text), text, kind, (0, 500), key, rule, name or text)


def keys_by_text(res, mentions):
    return {(m.doc_id, m.start): res.key_of(m) for m in mentions}


def test_normalize_ignores_article_case_and_possessive():
    assert normalize("the Islamic State’s") == normalize("Islamic State") == "islamic state"


def test_gazetteer_keys_join_aliases_across_documents():
    isis = FakeEntry("org/islamic-state", "Islamic State", "ArmedGroup", wikidata="Q2429253")
    res = resolve([m("A", 0, "ISIS", "ArmedGroup", isis.key), m("B", 10, "Daesh", "ArmedGroup", isis.key)],
                  [], FakeGazetteer(isis))
    assert len(res.entities) == 1
    e = res.entities[0]
    assert e.label == "Islamic State" and set(e.alt_labels) == {"ISIS", "Daesh"}
    assert e.same_as == ("http://www.wikidata.org/entity/Q2429253",)
    assert all("gazetteer" in step.reason for step in res.merge_log)
    assert {step.form for step in res.merge_log} == {"ISIS", "Daesh"}


def test_a_known_place_knows_its_country():
    baghdad = FakeEntry("city/98182", "Baghdad", "City", geonames=98182, lat=33.3, lon=44.4, country="IQ")
    res = resolve([m("A", 0, "Baghdad", "City", baghdad.key)], [], FakeGazetteer(baghdad))
    assert res.entities[0].country == "country/iq"
    assert res.entities[0].same_as == ("https://sws.geonames.org/98182/",)


def test_acronym_defined_in_text_joins_long_form_and_later_uses():
    long = m("A", 0, "Iraqi Security Forces", "MilitaryOrganization")
    short = m("A", 23, "ISF", "MilitaryOrganization", rule="acronym")
    later = m("A", 200, "ISF", "Organization")
    res = resolve([long, short, later], [Alias("A", long.span, short.span, "acronym defined")], FakeGazetteer())
    assert len(res.entities) == 1
    e = res.entities[0]
    assert e.label == "Iraqi Security Forces" and e.kind == "MilitaryOrganization"
    assert e.key == "organization/iraqi-security-forces"


def test_undefined_acronym_takes_the_only_definition_from_another_article():
    long = m("A", 0, "Counter Terrorism Service", "MilitaryOrganization")
    short = m("A", 27, "CTS", "MilitaryOrganization")
    elsewhere = m("B", 5, "CTS", "Organization")
    res = resolve([long, short, elsewhere], [Alias("A", long.span, short.span, "acronym defined")],
                  FakeGazetteer())
    assert len({res.key_of(x) for x in (long, short, elsewhere)}) == 1 and len(res.entities) == 1


def test_short_name_joins_the_only_person_with_that_surname():
    full = m("B", 0, "Ahmed al-Sharaa", "Person")
    short = m("B", 100, "Sharaa", "Person", rule="surname")
    other = m("B", 200, "Bashar al-Assad", "Person")
    res = resolve([full, short, other], [], FakeGazetteer())
    k = keys_by_text(res, [full, short, other])
    assert k[("B", 0)] == k[("B", 100)] == "person/ahmed-al-sharaa"
    assert k[("B", 200)] != k[("B", 0)]
    assert any("short name" in s.reason for s in res.merge_log)


def test_ambiguous_short_name_is_not_joined():
    a, b = m("C", 0, "John Smith", "Person"), m("C", 20, "Jane Smith", "Person")
    short = m("C", 50, "Smith", "Person")
    res = resolve([a, b, short], [], FakeGazetteer())
    assert len(res.entities) == 3


def test_same_name_different_coarse_type_stays_apart():
    res = resolve([m("A", 0, "Jordan", "Person"), m("A", 30, "Jordan", "Country", key=None)], [], FakeGazetteer())
    assert len(res.entities) == 2


def test_keys_do_not_depend_on_input_order():
    ms = [m("A", 0, "Iraqi Parliament", "Legislature"), m("B", 0, "Iraqi Parliament", "Legislature"),
          m("A", 50, "Qasem Soleimani", "Person")]
    r1 = resolve(ms, [], FakeGazetteer())
    r2 = resolve(list(reversed(ms)), [], FakeGazetteer())
    assert r1.entities == r2.entities and r1.node_keys == r2.node_keys


def test_previous_keys_are_kept_when_a_fuller_name_appears():
    short_only = resolve([m("A", 0, "Soleimani", "Person")], [], FakeGazetteer())
    assert short_only.entities[0].key == "person/soleimani"
    later = resolve([m("A", 0, "Soleimani", "Person"), m("B", 0, "Qasem Soleimani", "Person")], [],
                    FakeGazetteer(), previous=short_only.node_keys)
    assert len(later.entities) == 1
    assert later.entities[0].key == "person/soleimani" and later.entities[0].label == "Qasem Soleimani"
