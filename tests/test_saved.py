"""Saved questions: every .rq parses and answers on the example build; parameters bind safely."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query.saved import (
    SavedQueryError,
    list_saved,
    load_saved,
    parse_param_args,
    parse_saved,
    render,
    resolve_names,
    run_saved,
    sparql_string,
)
from kg.query.sparql import QueryError, table, with_prefixes
from kg.rdf.iris import MERGED_GRAPH
from kg.store.dataset import open_store

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
EXPECTED = {"events-of-actor", "troop-levels", "who-met-whom", "roles-of-person", "events-at-place",
            "evidence", "entities-by-class", "statements-by-speaker", "timeline"}
INJECTIONS = ['" } ; DROP ALL #', 'x" } } SELECT * WHERE { ?s ?p ?o } #', "{ }", "'", '"', "\\",
              'al-Sharaa\\" ) || true || ("', "\\u0022 } #", "Sharaa\n} DROP ALL"]




@pytest.fixture(scope="module")
def store(example_build) -> ox.Store:
    return open_store(example_build)


def parses(text: str) -> None:
    """pyoxigraph 0.5 has no bare parser: evaluating on an empty store parses (SyntaxError if bad)."""
    list(ox.Store().query(with_prefixes(text), use_default_graph_as_union=True))


def rows(store, name: str, **params) -> list[dict[str, str]]:
    t = table(run_saved("unused", name, params, store=store))
    return [dict(zip(t.variables, r)) for r in t.rows]


# --- the library -------------------------------------------------------------------------


def test_every_expected_query_is_shipped_with_a_header():
    queries = {q.name: q for q in list_saved()}
    assert EXPECTED <= set(queries)
    for q in queries.values():
        assert q.title and q.description, q.name
        assert all(p.description for p in q.params), q.name
    assert [p.name for p in queries["events-of-actor"].params] == ["actor"]
    assert queries["events-of-actor"].params[0].required
    assert {p.name: p.required for p in queries["troop-levels"].params} == {"place": False, "actor": False}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_parses_raw_and_rendered(name, store):
    q = load_saved(name)
    params = {p.name: "Iraq" for p in q.params if p.required}
    for text in (q.sparql, render(name, params)):
        parses(text)
        store.query(with_prefixes(text), use_default_graph_as_union=True)


def test_raw_query_with_unbound_required_param_answers_nothing(store):
    """An unrendered query is valid SPARQL whose name slot matches no entity."""
    assert list(store.query(with_prefixes(load_saved("events-of-actor").sparql),
                            use_default_graph_as_union=True)) == []


def test_missing_and_unknown_params_are_clear_errors():
    with pytest.raises(SavedQueryError, match=r"missing required param actor.*actor \(required\)"):
        render("events-of-actor", {})
    with pytest.raises(SavedQueryError, match=r"unknown param colour.*takes: place \(optional\)"):
        render("troop-levels", {"colour": "red"})
    with pytest.raises(SavedQueryError, match="is empty"):
        render("events-of-actor", {"actor": "   "})
    with pytest.raises(SavedQueryError, match="control characters"):
        render("events-of-actor", {"actor": "a\x00b"})
    assert issubclass(SavedQueryError, QueryError)


def test_cli_param_strings():
    assert parse_param_args(["actor=Ahmed al-Sharaa", "place=a=b"]) == {"actor": "Ahmed al-Sharaa",
                                                                        "place": "a=b"}
    with pytest.raises(SavedQueryError, match="NAME=VALUE"):
        parse_param_args(["actor"])
    with pytest.raises(SavedQueryError, match="twice"):
        parse_param_args(["a=1", "a=2"])


def test_unknown_query_names_the_available_ones():
    with pytest.raises(SavedQueryError, match="unknown saved query.*events-of-actor"):
        load_saved("no-such-query")
    with pytest.raises(SavedQueryError, match="unknown saved query"):
        load_saved("../query")


def test_header_and_slots_must_agree(tmp_path):
    good = "# title: T\n# description: D\n# param: who (required) - a name\n" \
           "SELECT * WHERE { VALUES ?_who_name { UNDEF } }\n"
    assert parse_saved(good, "t").params[0].name == "who"
    with pytest.raises(SavedQueryError, match="no 'VALUES"):
        parse_saved(good.replace("?_who_name", "?_whom_name"), "t")
    with pytest.raises(SavedQueryError, match="exactly one '# title"):
        parse_saved(good.replace("# title: T\n", ""), "t")
    with pytest.raises(SavedQueryError, match="bad param line"):
        parse_saved(good.replace("(required)", "(maybe)"), "t")
    path = tmp_path / "mine.rq"
    path.write_text(good, encoding="utf-8")
    assert load_saved(str(path)).name == "mine"


def test_values_become_escaped_literals_only():
    assert sparql_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    text = render("events-of-actor", {"actor": '" } ; DROP ALL #'})
    assert 'VALUES ?_value { "\\" } ; DROP ALL #" }' in text  # the name, as data only
    assert "UNDEF" not in text
    for value in INJECTIONS:
        try:
            parses(render("events-of-actor", {"actor": value}))
        except SavedQueryError:
            pass  # refused cleanly (control characters)


# --- answers on the example build ------------------------------------------------------


def test_events_of_actor(store):
    found = rows(store, "events-of-actor", actor="Ahmed al-Sharaa")
    types = {r["type"] for r in found}
    assert {"Meeting", "SeizureOfPower"} <= types
    meeting = next(r for r in found if r["type"] == "Meeting")
    assert "Riyadh" in meeting["label"] and "Riyadh" in meeting["sentence"]
    overthrow = next(r for r in found if r["type"] == "SeizureOfPower")
    assert "overthrow" in overthrow["sentence"] and "agent" in overthrow["roles"]
    assert all(r["article"] and r["status"] for r in found)


@pytest.mark.parametrize("name", ["Sharaa", "ahmed AL-SHARAA", "al-Sharaa"])
def test_aliases_case_and_name_parts_find_the_same_actor(store, name):
    assert {r["actorLabel"] for r in rows(store, "events-of-actor", actor=name)} == {"Ahmed al-Sharaa"}


def test_alias_of_an_organization(store):
    found = rows(store, "events-of-actor", actor="Daesh")
    assert found and {r["actorLabel"] for r in found} == {"Islamic State"}
    assert any(r["type"] == "Defeat" for r in found)


def test_events_are_in_time_order(store):
    dates = [r["date"] for r in rows(store, "events-of-actor", actor="Islamic State") if r["date"]]
    assert dates == sorted(dates) and len(dates) >= 2


def test_troop_levels(store):
    found = rows(store, "troop-levels")
    by_value = {r["value"]: r for r in found}
    assert {"2500", "900", "3000", "2000"} <= set(by_value)
    assert by_value["2500"]["places"] == "Iraq" and by_value["2500"]["qualifier"] == "roughly"
    assert by_value["900"]["places"] == "Syria" and by_value["900"]["qualifier"] == "over"
    assert by_value["2000"]["qualifier"] == "fewer than" and by_value["2000"]["maxValue"] == "2000"
    assert by_value["3000"]["fromValue"] == "5200" and by_value["3000"]["fromQualifier"] == "approximately"
    assert "United States" in by_value["2500"]["actors"]
    for r in found:
        assert r["unit"] in r["sentence"] and r["article"]
    assert "fighters" not in {r["unit"] for r in found}


def test_troop_levels_filtered_by_place_and_actor(store):
    in_syria = rows(store, "troop-levels", place="syria")
    assert [r["value"] for r in in_syria] == ["900"]
    assert {r["value"] for r in rows(store, "troop-levels", place="Iraq")} >= {"2500", "2000"}
    assert "900" not in {r["value"] for r in rows(store, "troop-levels", place="Iraq")}
    assert {r["value"] for r in rows(store, "troop-levels", actor="U.S.")} >= {"2500", "900"}
    assert rows(store, "troop-levels", actor="Bashar al-Assad") == []


def test_who_met_whom(store):
    found = rows(store, "who-met-whom")
    meeting = next(r for r in found if "Riyadh" in r["places"])
    assert {"Donald Trump", "Ahmed al-Sharaa"} <= set(meeting["participants"].split(" | "))
    assert "met" in meeting["sentence"]
    assert rows(store, "who-met-whom", actor="Trump") == [meeting]
    assert rows(store, "who-met-whom", actor="Qasem Soleimani") == []


def test_roles_of_person(store):
    found = rows(store, "roles-of-person", person="al-Kadhimi")
    assert any(r["post"] == "Prime Minister of Iraq" and r["former"] == "false" for r in found)
    assert {r["personLabel"] for r in found} == {"Mustafa al-Kadhimi"}
    sharaa = {r["post"]: r["former"] for r in rows(store, "roles-of-person", person="Sharaa")}
    assert sharaa.get("Commander of al-Qaeda") == "true"      # one label per role, whatever the case
    assert all("Kadhimi" in r["sentence"] for r in found)


def test_events_at_place(store):
    found = rows(store, "events-at-place", place="Riyadh")
    assert [r["type"] for r in found] == ["Meeting"]
    baghdad = rows(store, "events-at-place", place="Baghdad")
    assert any(r["type"] == "Attack" and r["date"] == "2020-01" for r in baghdad)


def test_evidence_sentences_contain_the_mention(store):
    found = rows(store, "evidence", entity="Sharaa")
    kinds = {r["kind"] for r in found}
    assert {"mention", "event", "membership"} <= kinds
    for r in found:
        if r["kind"] == "mention":
            assert r["fact"] in r["sentence"]
    assert {r["fact"] for r in found if r["kind"] == "mention"} >= {"Ahmed al-Sharaa", "Sharaa"}
    place = rows(store, "evidence", entity="Kurdistan Region")
    assert any(r["kind"] == "relation" and "located in Iraq" in r["fact"] for r in place)


def test_entities_by_class(store):
    people = rows(store, "entities-by-class", **{"class": "person"})
    assert people and {r["class"] for r in people} == {"Person"}
    assert any(r["label"] == "Ahmed al-Sharaa" and "Sharaa" in r["aliases"] for r in people)
    everything = rows(store, "entities-by-class")
    assert len(everything) > len(people) and all(int(r["mentions"]) >= 1 for r in everything)


def test_statements_by_speaker(store):
    found = rows(store, "statements-by-speaker")
    quoted = [r for r in found if r["quote"]]
    assert quoted and all(r["quote"] in r["sentence"] for r in quoted)
    assert any(r["speakerLabel"] == "Kenneth F. McKenzie Jr." and r["quote"] for r in found)
    unnamed = rows(store, "statements-by-speaker", speaker="senior defense official")
    assert unnamed and all("official" in r["speakerLabel"] for r in unnamed)


def test_timeline(store):
    found = rows(store, "timeline")
    dates = [r["date"] for r in found]
    assert dates == sorted(dates) and all(dates)
    attacks = rows(store, "timeline", type="attack")
    assert attacks and {r["type"] for r in attacks} == {"Attack"}


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_are_harmless(store, value):
    before = len(store)
    for name, param in (("events-of-actor", "actor"), ("evidence", "entity"), ("troop-levels", "place"),
                        ("entities-by-class", "class"), ("statements-by-speaker", "speaker")):
        try:
            assert rows(store, name, **{param: value}) == []
        except SavedQueryError:
            pass  # refused cleanly (control characters)
    assert len(store) == before


def test_run_saved_reads_a_build_folder(example_build):
    assert table(run_saved(example_build, "who-met-whom")).rows


# --- row limit and name resolution -----------------------------------------------------


def test_row_limit_default_override_and_all(store):
    assert load_saved("timeline").limit == 100
    every = rows(store, "timeline", limit="0")
    assert len(rows(store, "timeline", limit="3")) == 3
    assert rows(store, "timeline", limit="3") == every[:3]
    assert len(rows(store, "timeline")) == min(100, len(every))
    with pytest.raises(SavedQueryError, match="whole number"):
        render("timeline", {"limit": "ten"})
    with pytest.raises(SavedQueryError, match="unknown param limit"):
        render(parse_saved("# title: T\n# description: D\nSELECT * WHERE { }\n", "t"), {"limit": "1"})
    assert "limit (optional)" in str(pytest.raises(SavedQueryError, render, "timeline", {"x": "1"}).value)


def test_limit_header_needs_its_slot():
    text = "# title: T\n# description: D\n# limit: 5\nSELECT * WHERE { ?s ?p ?o } LIMIT 5\n"
    assert parse_saved(text, "t").limit == 5
    with pytest.raises(SavedQueryError, match="no 'LIMIT 5'"):
        parse_saved(text.replace("LIMIT 5", "LIMIT 6"), "t")


def test_exact_name_is_found_by_lookup_before_any_scan(store):
    iris = resolve_names(store, "sharaa")  # an alias, typed in lower case
    assert [str(i) for i in iris] == [str(i) for i in resolve_names(store, "Ahmed al-Sharaa")]
    assert resolve_names(store, "no such name at all") == []
    rendered = render("events-of-actor", {"actor": "Islamic State"}, store=store)
    assert "VALUES ?_actor_entity { <" in rendered and "CONTAINS" not in rendered


def test_with_and_without_store_the_answers_agree(store):
    for name, params in (("events-of-actor", {"actor": "Sharaa"}), ("troop-levels", {"place": "syria"}),
                         ("evidence", {"entity": "Kurdistan Region"})):
        plain = table(store.query(with_prefixes(render(name, params)), use_default_graph_as_union=True))
        assert plain.rows and plain == table(run_saved("unused", name, params, store=store)), name


def test_class_param_is_the_ontology_class(store):
    assert "kg:Attack" in {r["type"] and "kg:" + r["type"] for r in rows(store, "timeline", type="ATTACK")}
    assert rows(store, "timeline", type="NoSuchClass") == []


# --- statements in publication order, on a hand-built dataset ------------------------------


def _article(n: int, published: str | None, statements: list[tuple[str, int]]) -> str:
    """TriG of one article graph: its document node and (speaker, offset) statements."""
    doc = f"<https://example.org/doc/a{n}>"
    lines = [f"{doc} a schema:NewsArticle ; schema:identifier \"a{n}\" ."]
    if published:
        lines.append(f'{doc} schema:datePublished "{published}"^^xsd:date .')
    for speaker, begin in statements:
        event, trigger = f"<https://example.org/a{n}/s{begin}>", f"<https://example.org/a{n}/t{begin}>"
        lines += [f"{event} a kg:Statement ; kg:hasSpeaker <https://example.org/{speaker}> ;",
                  f"  gaf:denotedBy {trigger} ; kg:status kg:Happened .",
                  f"{trigger} nif:beginIndex {begin} ; nif:sentence {trigger} ;",
                  f'  nif:anchorOf "{speaker.title()} said so in a{n}." .']
    return f"<https://example.org/graph/a{n}> {{\n" + "\n".join(lines) + "\n}\n"


@pytest.fixture(scope="module")
def dated_statements() -> ox.Store:
    store = ox.Store()
    merged = "".join(f'<https://example.org/{p}> rdfs:label "{p.title()}" .\n' for p in ("ann", "bob"))
    trig = (_article(1, "2021-01-02", [("ann", 50), ("bob", 10)])
            + _article(2, "2021-01-01", [])            # a date on which no statement is made
            + _article(3, "2021-01-01", [("bob", 5)])
            + _article(4, None, [("ann", 7)])          # undated: last
            + _article(5, "2020-12-31", [])
            + f"<{MERGED_GRAPH}> {{\n{merged}}}\n")
    store.load(with_prefixes(trig), format=ox.RdfFormat.TRIG)  # TriG reads SPARQL-style PREFIX
    return store


def _sentences(store, **params) -> list[str]:
    return [r["sentence"] for r in rows(store, "statements-by-speaker", **params)]


def test_statements_come_in_publication_order_undated_last(dated_statements):
    assert _sentences(dated_statements) == [
        "Bob said so in a3.", "Bob said so in a1.", "Ann said so in a1.", "Ann said so in a4."]
    # the first date holding a statement is found past dates and articles that hold none
    assert _sentences(dated_statements, limit="1") == ["Bob said so in a3."]
    assert _sentences(dated_statements, limit="3") == _sentences(dated_statements)[:3]
    assert _sentences(dated_statements, speaker="Ann") == ["Ann said so in a1.", "Ann said so in a4."]
