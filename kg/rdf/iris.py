"""Every IRI newskg mints is minted here, from stable keys, so builds are reproducible.

Keys come from names (never from counters or hashes of run order), so the same entity gets the
same IRI in every build. Anything taken from an article is slugged or percent-encoded before it
becomes part of an IRI.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from kg.records import slug  # noqa: F401  (re-exported: entity keys and IRIs share one slug)

BASE = "https://w3id.org/newskg/"
MERGED_GRAPH = URIRef(BASE + "graph/merged")


@lru_cache(maxsize=65536)  # the same ids and keys recur in every triple that names them
def _part(text: str) -> str:
    return quote(text, safe="-._~")


def entity(key: str) -> URIRef:
    """An entity from its key ('country/iq', 'person/ahmed-al-sharaa')."""
    return URIRef(BASE + "id/" + "/".join(_part(p) for p in key.split("/")))


def document(doc_id: str) -> URIRef:
    return URIRef(_document(doc_id))


def _document(doc_id: str) -> str:
    return BASE + "doc/" + _part(doc_id)


def doc_graph(doc_id: str) -> URIRef:
    """The named graph that holds what one article states."""
    return URIRef(BASE + "graph/" + _part(doc_id))


def span(doc_id: str, start: int, end: int) -> URIRef:
    """A character span of an article, as an RFC 5147 fragment (NIF 2.0 offset IRIs)."""
    return URIRef(span_iri(doc_id, start, end))


def span_iri(doc_id: str, start: int, end: int) -> str:
    """`span` as a plain string: RDF mapping mints one per mention, sentence and trigger."""
    return f"{_document(doc_id)}#char={start},{end}"


def source(path_or_url: str) -> URIRef:
    """The input an article was derived from: a URL as given, a file as a file: IRI."""
    if re.match(r"^https?://", path_or_url):
        return URIRef(quote(path_or_url, safe=":/?#[]@!$&'()*+,;=%-._~"))
    return URIRef("file:" + quote(path_or_url.replace("\\", "/"), safe="/-._~"))


def geometry(key: str) -> URIRef:
    """The point geometry of an entity (an IRI, not a blank node, so output is reproducible)."""
    return URIRef(str(entity(key)) + "/geometry")


def _local(doc_id: str, start: int, end: int) -> str:
    return f"{_part(doc_id)}/{start}-{end}"


def event(doc_id: str, start: int, end: int) -> URIRef:
    """An event as one article states it, named by its trigger's span."""
    return URIRef(BASE + "id/event/" + _local(doc_id, start, end))


def quantity(doc_id: str, start: int, end: int) -> URIRef:
    return URIRef(BASE + "id/quantity/" + _local(doc_id, start, end))


def time_expression(doc_id: str, start: int, end: int) -> URIRef:
    """A time expression of an article ('last June', 'P3Y'), named by its span."""
    return URIRef(BASE + "id/time/" + _local(doc_id, start, end))


def unnamed_source(doc_id: str, start: int, end: int) -> URIRef:
    """'a senior defense official': a speaker with no name, one per phrase."""
    return URIRef(BASE + "id/source/" + _local(doc_id, start, end))


def correction(text: str) -> URIRef:
    """An analyst's correction, named by what it says ("merge 'A' 'B'"): the same correction is
    the same node in every build."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return URIRef(f"{BASE}id/correction/{slug(text)[:60].strip('-')}-{digest}")


# An article's own nodes: its text and spans, its statements, and what `_local` names by a span
# (entity keys are 'kind/slug', so a named event such as 'event/operation-x' does not match).
_ARTICLE_SCOPED = re.compile(re.escape(BASE) + r"(doc/|id/(statement|same-event)/|"
                             r"id/(event|quantity|source|time)/[^/]+/\d+-\d+(/|$))")


def is_article_scoped(iri: str) -> bool:
    """Minted from one article's id (its text, spans, events...): only that article states triples
    about it. Entities, roles and memberships, by contrast, are shared by every article."""
    return _ARTICLE_SCOPED.match(iri) is not None


def _flat(key: str) -> str:
    return _part(key.replace("/", "."))


def role(title: str) -> URIRef:
    return URIRef(BASE + "id/role/" + slug(title))


def membership(person_key: str, title: str, org_key: str | None, former: bool = False) -> URIRef:
    """A person's post: the same person, title, organization (and former or not) give the same node
    in every article."""
    tail = "/former" if former else ""
    return URIRef(f"{BASE}id/membership/{_flat(person_key)}/{slug(title)}/{_flat(org_key or 'none')}{tail}")


def statement(doc_id: str, subject_key: str, predicate: str, object_key: str) -> URIRef:
    """The rdf:Statement that carries the evidence of a plain triple in one article."""
    return URIRef(f"{BASE}id/statement/{_part(doc_id)}/{_flat(subject_key)}/{predicate}/{_flat(object_key)}")


def event_link(later: str, earlier: str) -> URIRef:
    """The statement that two articles' event nodes are one event (and why)."""
    prefix = BASE + "id/event/"
    parts = [iri[len(prefix):] if iri.startswith(prefix) else quote(iri, safe="") for iri in (later, earlier)]
    return URIRef(BASE + "id/same-event/" + "--".join(p.replace("/", ".") for p in parts))
