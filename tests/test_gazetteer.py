"""The gazetteer answers "which known actor or place is this name?" for extraction and resolution."""

from pathlib import Path

import pytest
import yaml

from kg.nlp.gazetteer import Gazetteer, GazetteerError, normalize
from kg.nlp.places import (
    apply_hand_entries,
    load_gazetteer,
    read_demonyms,
    ruler_patterns,
)
from kg.ontology import coarse_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def keys(entries):
    return [e.key for e in entries]


def test_normalize_folds_punctuation_quotes_articles_and_diacritics():
    assert normalize("U.S.") == normalize("US") == "US"
    assert normalize("the U.S.’s") == "US"
    assert normalize("al-Qaeda") == normalize("al Qaeda")
    assert normalize("Al Anbār") == "Al Anbar"
    assert normalize("Hay’at Tahrir al-Sham") == normalize("Hay'at Tahrir al-Sham")


@pytest.mark.parametrize("name", ["ISIS", "ISIL", "IS", "Daesh", "Islamic State", "the Islamic State",
                                  "Islamic State's", "IS group", "Isil"])
def test_islamic_state_aliases_share_one_key(gaz, name):
    assert keys(gaz.lookup(name))[:1] == ["org/islamic-state"]
    assert gaz.best(name).kind == "ArmedGroup"


def test_al_qaeda_spellings(gaz):
    found = {gaz.best(n).key for n in ("al-Qaeda", "al Qaeda", "Al-Qaeda", "al-Qaida", "al-Qaeda’s")}
    assert found == {"org/al-qaeda"}


def test_central_command_aliases(gaz):
    found = {gaz.best(n).key for n in ("CENTCOM", "US Central Command", "U.S. Central Command")}
    assert len(found) == 1
    assert gaz.get(found.pop()).kind == "MilitaryCommand"


def test_country_aliases_and_short_names(gaz):
    for name in ("US", "U.S.", "USA", "America", "United States", "the States"):
        assert gaz.best(name).key == "country/us", name
    for name, key in (("UK", "country/gb"), ("Britain", "country/gb"), ("Russia", "country/ru"),
                      ("Iran", "country/ir"), ("Syria", "country/sy"), ("South Korea", "country/kr")):
        assert gaz.best(name).key == key
    iraq = gaz.get("country/iq")
    assert iraq.name == "Iraq" and iraq.country == "IQ" and iraq.wikidata == "Q796"


def test_demonyms(gaz):
    assert gaz.demonym("Iraqi").key == "country/iq"
    assert gaz.demonym("Iraqis").key == "country/iq"
    assert gaz.demonym("American").key == "country/us"
    assert gaz.demonym("Emirati").key == "country/ae"
    assert gaz.demonym("Kurdish") is None and gaz.demonym("Western") is None
    assert gaz.demonym("iraqi") is None  # lower case is an ordinary word


def test_demonyms_file_has_only_countries():
    demonyms = read_demonyms()
    assert len(demonyms) >= 190
    assert not {"kurdish", "arab", "western", "islamic"} & set(demonyms)


def test_washington_is_the_us_capital_first(gaz):
    for name in ("Washington", "WASHINGTON"):
        first = gaz.lookup(name)[0]
        assert first.kind == "City" and first.country == "US" and first.capital
    assert "region/us-wa" in keys(gaz.lookup("Washington"))
    assert gaz.best("Washington", context="the state of Washington").key == "region/us-wa"
    assert gaz.best("Washington, D.C.").key == gaz.lookup("Washington")[0].key


def test_anbar_province(gaz):
    assert gaz.best("Anbar").key == "region/iq-an"
    assert gaz.best("Al Anbar").key == "region/iq-an"
    assert gaz.best("al-Anbar").key == "region/iq-an"
    assert gaz.best("Anbar province").key == "region/iq-an"
    assert gaz.best("Anbar", context="western Anbar province").key == "region/iq-an"


def test_baghdad_city_by_default_governorate_by_context(gaz):
    assert gaz.best("Baghdad").kind == "City"
    assert gaz.best("Baghdad", context="Baghdad governorate").key == "region/iq-bg"
    assert gaz.best("Baghdad Governorate").key == "region/iq-bg"


def test_erbil_and_riyadh_are_cities_with_coordinates(gaz):
    erbil = gaz.best("Erbil", coarse="Place")
    assert erbil.kind == "City" and erbil.country == "IQ"
    assert 35 < erbil.lat < 37 and 43 < erbil.lon < 45
    assert erbil.same_as == (f"https://sws.geonames.org/{erbil.geonames}/",)
    riyadh = gaz.best("Riyadh")
    assert riyadh.kind == "City" and riyadh.country == "SA" and riyadh.capital


def test_georgia_returns_country_and_us_state(gaz):
    found = gaz.lookup("Georgia")
    assert found[0].key == "country/ge"
    assert "region/us-ga" in keys(found)


@pytest.mark.parametrize("word", ["is", "it", "may", "May", "us", "Who", "nato"])
def test_common_words_find_nothing(gaz, word):
    assert gaz.lookup(word) == ()


def test_acronyms_are_never_cities(gaz):
    assert gaz.lookup("WAS") == ()  # an airport code among Washington's alternate names
    assert all(e.kind != "City" for e in gaz.lookup("EU"))


def test_coarse_type_filters(gaz):
    assert gaz.best("Jordan", coarse="Person") is None
    assert gaz.best("Georgia", coarse="Person") is None
    assert gaz.best("Hezbollah", coarse="Place").kind == "ArmedGroup"  # NER often mislabels it
    assert gaz.best("IRGC", coarse="Person").kind == "MilitaryOrganization"
    assert gaz.best("Gaza", coarse="Place").key == "place/gaza-strip"
    assert gaz.best("Gaza", context="Gaza City").kind == "City"


def test_bases_have_coordinates(gaz):
    base = gaz.best("Ain al-Asad airbase")
    assert base.kind == "MilitaryBase" and base.country == "IQ" and base.lat and base.lon
    assert gaz.best("Al Udeid").country == "QA"


def test_coarse_of():
    assert coarse_of("ArmedGroup") == "Organization"
    assert coarse_of("MilitaryBase") == "Place"
    assert coarse_of("MilitaryOperation") == "Event"
    assert coarse_of("Person") == "Person"
    with pytest.raises(KeyError):
        coarse_of("Spaceship")


def test_hand_entries_are_well_formed(gaz):
    data = yaml.safe_load((ROOT / "kg/data/gazetteer.yaml").read_text(encoding="utf-8"))
    assert 150 <= len(data["entries"]) <= 400
    owner = {}
    for key, names in gaz._hand_aliases.items():
        for name in names:
            n = normalize(name).casefold()
            assert owner.setdefault(n, key) == key, f"{name!r} is an alias of {owner[n]} and {key}"


def test_bad_hand_entry_names_the_file_and_reason(gaz):
    data = {"coarse": {"ArmedGroup": "Organization"}, "entries": [{"name": "X", "kind": "Spaceship"}]}
    with pytest.raises(GazetteerError, match=r"gazetteer.yaml: entry 1 .*Spaceship"):
        apply_hand_entries({}, data, "gazetteer.yaml")
    data["entries"] = [{"name": "X", "kind": "ArmedGroup", "wikidata": "Q-1"}]
    with pytest.raises(GazetteerError, match="not a QID"):
        apply_hand_entries({}, data, "gazetteer.yaml")


def test_ruler_patterns_compile_and_respect_case(gaz):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    patterns = ruler_patterns(gaz, nlp)
    assert patterns == ruler_patterns(gaz, nlp)  # deterministic
    assert all(p["id"] in gaz.entries for p in patterns)
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    doc = nlp("The U.S. told us that al Qaeda and ISIS fighters met in Washington, D.C. It is over.")
    found = {(e.text, e.ent_id_) for e in doc.ents}
    assert ("U.S.", "country/us") in found
    assert ("al Qaeda", "org/al-qaeda") in found
    assert ("ISIS", "org/islamic-state") in found
    assert all(e.text.lower() not in ("us", "is", "it") for e in doc.ents)
