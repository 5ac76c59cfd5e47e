"""Which resolved entity a span of an article names: how mapping finds the node for an event's
argument or a relation's end, once resolution has decided every mention's key."""

from __future__ import annotations

from kg.nlp.places import load_gazetteer
from kg.ontology import coarse_of
from kg.records import Span
from kg.resolve.entities import Resolution


class EntityLocator:
    """Which entity a span of an article names: the mention at it, or the longest one inside it."""

    def __init__(self, labels: dict[str, str], metonyms: dict[str, str] | None = None,
                 places: frozenset[str] = frozenset()) -> None:
        self.by_doc: dict[str, list[tuple[int, int, str]]] = {}
        self.labels = labels
        self.metonyms = metonyms or {}
        self.places = places

    def set_article(self, doc_id: str, spans: list[tuple[int, int, str | None]]) -> None:
        """The mentions of the article being mapped (one article at a time keeps memory flat)."""
        self.by_doc = {doc_id: [(s, e, k) for s, e, k in spans if k is not None]}

    def at(self, doc_id: str, span: Span) -> str | None:
        """The mention inside the span (the longest), else the one overlapping it most."""
        start, end = span
        mentions = self.by_doc.get(doc_id, ())
        inside = [(e - s, -s, key) for s, e, key in mentions if start <= s and e <= end]
        if inside:
            return max(inside)[2]
        overlap = [(min(e, end) - max(s, start), -s, key) for s, e, key in mentions if s < end and start < e]
        return max(overlap)[2] if overlap else None

    def actor_at(self, doc_id: str, span: Span) -> str | None:
        """As `at`, but a capital acting stands for its country ('Washington has agreed')."""
        key = self.at(doc_id, span)
        return self.metonyms.get(key, key) if key else None


def locator(resolution: Resolution) -> EntityLocator:
    """Find entities by span; capitals acting stand for their country, when that country is known."""
    gazetteer = load_gazetteer()
    keys = {e.key for e in resolution.entities}
    metonyms = {}
    for e in resolution.entities:
        entry = gazetteer.get(e.key)
        if entry is not None and entry.kind == "City" and entry.capital and entry.country:
            country = f"country/{entry.country.lower()}"
            if country in keys:
                metonyms[e.key] = country
    places = frozenset(e.key for e in resolution.entities if coarse_of(e.kind) == "Place")
    return EntityLocator({e.key: e.label for e in resolution.entities}, metonyms, places)
