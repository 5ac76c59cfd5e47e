"""Cross-article event linking: the same event in two articles gets one owl:sameAs, with a reason."""

from __future__ import annotations

from kg.rdf.events import same_event_quads
from kg.records import EventSignature
from kg.resolve.same_events import MAX_CANDIDATES, SameEventLinker
from kg.vocab import OWL, RDFS


def _event(doc: str, n: int, type_: str = "Withdrawal", actors=("country/us",), places=("city/erbil",),
           time: str | None = "2020-09") -> EventSignature:
    return EventSignature(f"https://w3id.org/newskg/id/event/{doc}/{n}-{n + 5}", doc, type_, frozenset(actors),
                          frozenset(places), time)


def _links(quads) -> list[tuple[str, str]]:
    return [(q.subject.value, q.object.value) for q in quads if q.predicate.value == str(OWL.sameAs)]


def test_the_same_event_in_two_articles_is_linked_once_with_its_reason():
    linker = SameEventLinker({"country/us": "United States", "city/erbil": "Erbil"})
    first, again_same_doc, second = _event("a", 1), _event("a", 40), _event("b", 7, time="2020-09-03")
    assert linker.add(first) == [] and linker.add(again_same_doc) == []  # one article: no link
    quads = [q for link in linker.add(second) for q in same_event_quads(link)]
    assert _links(quads) == [(second.iri, first.iri)]  # to the earliest report
    reason = next(q.object.value for q in quads if q.predicate.value == str(RDFS.comment))
    assert "United States" in reason and "Erbil" in reason


def test_different_events_are_not_linked():
    linker = SameEventLinker({})
    linker.add(_event("a", 1))
    assert linker.add(_event("b", 1, actors=("country/iq",))) == []  # no shared participant
    assert linker.add(_event("c", 1, time="2021")) == []  # incompatible times
    assert linker.add(_event("d", 1, places=("city/baghdad",))) == []  # another place
    assert linker.add(_event("e", 1, type_="Attack")) == []  # another kind of event
    linker.add(_event("f", 1, type_="Statement"))
    assert linker.add(_event("g", 1, type_="Statement")) == []  # two quotes are two acts of speech


def test_only_recent_events_of_a_kind_and_place_are_remembered():
    linker = SameEventLinker({})
    linker.add(_event("a", 1))
    for n in range(MAX_CANDIDATES):
        linker.add(_event("filler", n * 10, actors=("country/fr",)))
    assert linker.add(_event("b", 1)) == []  # 'a' fell out of the window: memory stays bounded
