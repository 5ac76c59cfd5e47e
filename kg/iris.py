"""Every IRI newskg mints is minted here, from stable keys, so builds are reproducible.

Keys come from names (never from counters or hashes of run order), so the same entity gets the
same IRI in every build. Anything taken from an article is slugged or percent-encoded before it
becomes part of an IRI.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from rdflib import URIRef

BASE = "https://w3id.org/newskg/"
MERGED_GRAPH = URIRef(BASE + "graph/merged")


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'Ahmed al-Sharaa' -> 'ahmed-al-sharaa'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return s or "x" + quote(text, safe="").replace("%", "").lower()[:40]


def _part(text: str) -> str:
    return quote(text, safe="-._~")


def entity(key: str) -> URIRef:
    """An entity from its key ('country/iq', 'person/ahmed-al-sharaa')."""
    return URIRef(BASE + "id/" + "/".join(_part(p) for p in key.split("/")))


def document(doc_id: str) -> URIRef:
    return URIRef(BASE + "doc/" + _part(doc_id))


def doc_graph(doc_id: str) -> URIRef:
    """The named graph that holds what one article states."""
    return URIRef(BASE + "graph/" + _part(doc_id))


def span(doc_id: str, start: int, end: int) -> URIRef:
    """A character span of an article, as an RFC 5147 fragment (NIF 2.0 offset IRIs)."""
    return URIRef(f"{document(doc_id)}#char={start},{end}")


def source(path_or_url: str) -> URIRef:
    """The input an article was derived from: a URL as given, a file as a file: IRI."""
    if re.match(r"^https?://", path_or_url):
        return URIRef(quote(path_or_url, safe=":/?#[]@!$&'()*+,;=%-._~"))
    return URIRef("file:" + quote(path_or_url.replace("\\", "/"), safe="/-._~"))


def geometry(key: str) -> URIRef:
    """The point geometry of an entity (an IRI, not a blank node, so output is reproducible)."""
    return URIRef(str(entity(key)) + "/geometry")
