"""Core records passed between the stages of the pipeline.

They are small, frozen and free of spaCy objects, so that resolution and RDF mapping can run on
compact data (and in other processes) long after the Docs that produced them are gone.
Offsets are character offsets into ``Document.text``: ``text[start:end]`` is the surface form.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

Span = tuple[int, int]

# The coarse classes every finer class rolls up to (they match the gold format's types).
PERSON, ORGANIZATION, PLACE, EVENT = "Person", "Organization", "Place", "Event"
COARSE_TYPES = (PERSON, ORGANIZATION, PLACE, EVENT)


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'Ahmed al-Sharaa' -> 'ahmed-al-sharaa'. Entity keys
    ('person/ahmed-al-sharaa') are made of slugs long before any IRI is minted from them."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return s or "x" + quote(text, safe="").replace("%", "").lower()[:40]


@dataclass(frozen=True)
class Document:
    """One article as ingested: its text is the reference string every offset points into."""

    id: str
    text: str
    source: str  # the file path or URL the text came from (prov:wasDerivedFrom)
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 date or date-time, as given
    publisher: str | None = None
    # Character ranges that are not article sentences (headings, bylines, page chrome).
    skipped: tuple[Span, ...] = ()

    @property
    def content_hash(self) -> str:
        """Identity by content: the same text and metadata always hash the same."""
        h = hashlib.sha256()
        for part in (self.id, self.text, self.title, self.url, self.published, self.publisher):
            h.update((part or "").encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()

    def is_skipped(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.skipped)


@dataclass(frozen=True)
class InputError:
    """An input that could not be read: which file (or file:line) and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity, typed by the extractor."""

    doc_id: str
    start: int
    end: int
    text: str
    kind: str  # a class local name of ontology/kg.ttl, e.g. "Country", "ArmedGroup", "Person"
    sentence: Span  # the sentence that contains the mention
    key: str | None = None  # a gazetteer key when the name is known, e.g. "country/IQ"
    rule: str = "ner"  # what found or typed it: "ner", "gazetteer", "acronym", ...
    # The canonical name proposed by the extractor (title stripped, case normalised).
    name: str = ""

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass(frozen=True)
class Alias:
    """Two spans of one document that the text itself says name the same thing:
    an acronym defined in parentheses, 'Iraqi Security Forces (ISF)'."""

    doc_id: str
    long: Span
    short: Span
    reason: str


@dataclass(frozen=True)
class MergeStep:
    """One line of the merge log: a name form joined to an entity, and the reason why.
    Logged per form (not per mention) so the log grows with the names, not with the corpus."""

    entity: str  # entity key
    form: str  # the name as written
    reason: str
    mentions: int  # how many mentions carry this form
    first_doc: str  # the first article (by id) where it occurs


@dataclass(frozen=True)
class Entity:
    """One real-world actor or place, after resolution within and across documents."""

    key: str  # stable key; the IRI is minted from it
    label: str
    kind: str
    alt_labels: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()  # external IRIs (Wikidata, GeoNames)
    lat: float | None = None
    lon: float | None = None
    mention_count: int = 0
    country: str | None = None  # the key of the country a known place lies in ("country/iq")


# --- events, relations, quantities and times (issue 3) ---------------------------------------

# Event statuses: what the text asserts about whether it happened.
HAPPENED, ONGOING, PLANNED, REPORTED, NEGATED, HYPOTHETICAL = (
    "Happened", "Ongoing", "Planned", "Reported", "Negated", "Hypothetical")


# Where an event's time comes from: its own time expression, or its article's publication date.
FROM_TEXT, FROM_PUBLICATION = "text", "publication"


@dataclass(frozen=True)
class TimeValue:
    """A time expression as written, its TimeML value, and, where it is a calendar date, its
    ISO 8601 value: '2020-01' (xsd:gYearMonth), '2017' (xsd:gYear), '2021-09-09' (xsd:date)."""

    text: str
    value: str | None = None
    datatype: str | None = None  # "gYear" | "gYearMonth" | "date" | None
    start: int | None = None  # offsets of the expression in the document, when it has one
    end: int | None = None
    timex: str | None = None  # TimeML value: "2013-W12", "2009-Q1", "P3Y", "PAST_REF", "199"
    type: str | None = None  # TimeML type: "DATE" | "TIME" | "DURATION" | "SET"
    mod: str | None = None  # TimeML mod: "START", "END", "MID", "APPROX", "LESS_THAN", ...
    sentence: Span | None = None
    source: str = FROM_TEXT  # FROM_PUBLICATION: the article's date, standing in for a missing one


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts: 'fewer than 2,000 U.S. troops' -> value 2000, max 2000."""

    start: int
    end: int
    text: str
    value: float | None  # the point value; None for a pure range
    unit: str  # what it counts, singular or as written ("troops", "fighters")
    qualifier: str | None = None  # "approximately", "fewer than", "over", ...
    min_value: float | None = None
    max_value: float | None = None
    # For a change "from approximately 5,200 to 3,000": the value before (value is the after).
    from_value: float | None = None
    from_qualifier: str | None = None


@dataclass(frozen=True)
class Argument:
    """A participant of an event: a role and the character span of the phrase that fills it."""

    role: str  # "agent" | "patient" | "recipient" | "speaker" | "place" | "instrument"
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class EventRecord:
    """One happening stated in one sentence: its trigger, type, arguments, time and numbers."""

    doc_id: str
    type: str  # ontology class local name: "Withdrawal", "Meeting", ...
    trigger_start: int
    trigger_end: int
    trigger: str
    sentence: Span
    arguments: tuple[Argument, ...] = ()
    time: TimeValue | None = None
    status: str = HAPPENED
    quantities: tuple[Quantity, ...] = ()
    quote: str | None = None  # for statements: the quoted text
    confidence: float = 0.5


@dataclass(frozen=True)
class RelationRecord:
    """A statement between two spans of one sentence: 'Ain al-Asad airbase in western Anbar'."""

    doc_id: str
    predicate: str  # "holds_role" | "located_in" | "part_of" | "led_by"
    subject: Span
    object: Span | None  # None for a role with no organization ("General X")
    evidence: Span  # the sentence (or the phrase) that states it
    role: str | None = None  # for holds_role: the post's title, e.g. "Prime Minister"
    former: bool = False
    confidence: float = 0.5


@dataclass(frozen=True)
class QuantityFacts:
    """A quantity with what the sentence says about it: where, when, whose."""

    quantity: Quantity
    sentence: tuple[int, int]
    place: tuple[int, int] | None = None  # a place mention span
    actor: tuple[int, int] | None = None  # a mention span: whose troops
    time: TimeValue | None = None


@dataclass
class ArticleRecords:
    """What one article yields once its Doc is gone: compact records only."""

    doc: Document
    mentions: list[Mention]
    aliases: list[Alias]
    events: list[EventRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    quantities: list[QuantityFacts] = field(default_factory=list)
    times: list[TimeValue] = field(default_factory=list)  # every time expression of the text


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


@dataclass(frozen=True)
class EventLink:
    """Two articles' event nodes found to be one event, and why (kg.resolve.same_events)."""

    later: str  # event IRI
    earlier: str
    reason: str
