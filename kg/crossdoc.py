"""The same event reported by several articles: linked by owl:sameAs, with the reason recorded.

Each article keeps its own event node (what that article says, with its evidence); when two
articles report an event of the same type with a shared participant, the same place (or none
stated), the same status and compatible times, the later node is linked to the earlier one by owl:sameAs in the
merged graph, and an rdf:Statement says why. Statements and quotes are never merged: two articles
quoting the same actor report two acts of speech. Events are bucketed by type and place, so the
work grows with the events of one kind at one place, not with the square of the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import NamedNode, Quad

from kg import iris
from kg.rdfmap import term, text
from kg.vocab import OWL, RDF, RDFS

NEVER_MERGED = {"Statement"}
MAX_CANDIDATES = 200  # earlier events checked per event and bucket


@dataclass(frozen=True)
class EventSignature:
    """What cross-article linking needs to know of one event node."""

    iri: str
    doc_id: str
    type: str
    actors: frozenset[str]  # entity keys (agents, patients, recipients)
    places: frozenset[str]
    time: str | None  # ISO value, when known
    status: str = "Happened"
    labels: tuple[str, ...] = ()  # readable names of the shared evidence (for the reason)


def _compatible(a: str | None, b: str | None) -> bool:
    """'2020' and '2020-01' agree; '2020' and '2021' do not; an unknown time agrees with any."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def link_same_events(events: list[EventSignature], labels: dict[str, str]) -> list[Quad]:
    """owl:sameAs links (and their reasons) between events of different articles."""
    buckets: dict[tuple[str, str], list[EventSignature]] = defaultdict(list)
    for ev in sorted(events, key=lambda e: e.iri):
        if ev.type in NEVER_MERGED or not ev.actors:
            continue
        for place in sorted(ev.places) or [""]:
            buckets[(ev.type, place)].append(ev)
    links: dict[tuple[str, str], str] = {}
    for (_type, _place), bucket in sorted(buckets.items()):
        for i, ev in enumerate(bucket):
            for earlier in bucket[max(0, i - MAX_CANDIDATES):i]:
                if earlier.doc_id == ev.doc_id or (ev.iri, earlier.iri) in links:
                    continue
                shared = ev.actors & earlier.actors
                same_places = ev.places == earlier.places or not ev.places or not earlier.places
                if shared and same_places and ev.status == earlier.status and _compatible(ev.time, earlier.time):
                    links[(ev.iri, earlier.iri)] = _reason(ev, shared, labels)
                    break
    return list(_quads(links))


def _reason(ev: EventSignature, shared: frozenset[str], labels: dict[str, str]) -> str:
    who = ", ".join(sorted(labels.get(k, k) for k in shared))
    where = ", ".join(sorted(labels.get(k, k) for k in ev.places)) or "no place stated"
    return f"same {ev.type.lower()} reported by two articles: shared participants {who}; place {where}; " \
           f"compatible times"


def _quads(links: dict[tuple[str, str], str]):
    graph = NamedNode(str(iris.MERGED_GRAPH))
    for (later, earlier), reason in sorted(links.items()):
        s, o = NamedNode(later), NamedNode(earlier)
        yield Quad(s, term(OWL.sameAs), o, graph)
        stmt = NamedNode(str(iris.event_link(later, earlier)))
        yield Quad(stmt, term(RDF.type), term(RDF.Statement), graph)
        yield Quad(stmt, term(RDF.subject), s, graph)
        yield Quad(stmt, term(RDF.predicate), term(OWL.sameAs), graph)
        yield Quad(stmt, term(RDF.object), o, graph)
        yield Quad(stmt, term(RDFS.comment), text(reason), graph)
