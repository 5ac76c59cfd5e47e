"""The same event reported by several articles: linked by owl:sameAs, with the reason recorded.

Each article keeps its own event node (what that article says, with its evidence); when two
articles report an event of the same type with a shared participant, the same place (or none
stated), the same status and compatible times, the later node is linked to the earlier one by owl:sameAs in the
merged graph, and an rdf:Statement says why. Statements and quotes are never merged: two articles
quoting the same actor report two acts of speech. Events are bucketed by type and place, so the
work grows with the events of one kind at one place, not with the square of the corpus.
"""

from __future__ import annotations

from collections import defaultdict, deque

from kg.records import EventLink, EventSignature

NEVER_MERGED = {"Statement", "Cognition"}  # acts of speech and of mind: one per report
MAX_CANDIDATES = 200  # earlier events checked per event and bucket


def _compatible(a: str | None, b: str | None) -> bool:
    """'2020' and '2020-01' agree; '2020' and '2021' do not; an unknown time agrees with any."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


class SameEventLinker:
    """Links each event to the earliest recent report of the same event by another article."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels  # entity key -> label, for the reasons
        self._recent: dict[tuple[str, str], deque[EventSignature]] = defaultdict(
            lambda: deque(maxlen=MAX_CANDIDATES))

    def add(self, ev: EventSignature) -> list[EventLink]:
        """The links (with their reasons) from this event to earlier ones; then it is remembered.
        kg.rdf.events.same_event_quads states them in the merged graph."""
        if ev.type in NEVER_MERGED or not ev.actors:
            return []
        links, linked = [], set()
        for place in sorted(ev.places) or [""]:
            bucket = self._recent[(ev.type, place)]
            for earlier in bucket:
                if earlier.doc_id == ev.doc_id or earlier.iri in linked:
                    continue
                shared = ev.actors & earlier.actors
                same_places = ev.places == earlier.places or not ev.places or not earlier.places
                if shared and same_places and ev.status == earlier.status and _compatible(ev.time, earlier.time):
                    linked.add(earlier.iri)
                    links.append(EventLink(ev.iri, earlier.iri, _reason(ev, shared, self.labels)))
                    break
            bucket.append(ev)
        return links


def _reason(ev: EventSignature, shared: frozenset[str], labels: dict[str, str]) -> str:
    who = ", ".join(sorted(labels.get(k, k) for k in shared))
    where = ", ".join(sorted(labels.get(k, k) for k in ev.places)) or "no place stated"
    return f"same {ev.type.lower()} reported by two articles: shared participants {who}; place {where}; " \
           f"compatible times"
