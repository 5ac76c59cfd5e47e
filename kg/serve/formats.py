"""Content negotiation for the SPARQL endpoint: Accept header or `format` parameter -> format key.

A query's form (SELECT/ASK or CONSTRUCT/DESCRIBE) is only known once it is parsed, so both
choices are made up front and the worker uses the one that fits the results.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str                      # as kg.serve.worker names it
    media_types: tuple[str, ...]  # the canonical type first, then aliases clients send
    names: tuple[str, ...]        # values of the `format` parameter


# In order of preference: the first is what a client that accepts anything gets.
RESULTS = (
    Format("json", ("application/sparql-results+json", "application/json"), ("json", "srj")),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml", "srx")),
    Format("csv", ("text/csv",), ("csv",)),
    Format("tsv", ("text/tab-separated-values",), ("tsv",)),
)
RDF = (
    Format("ttl", ("text/turtle", "application/x-turtle"), ("ttl", "turtle")),
    Format("nt", ("application/n-triples", "text/plain"), ("nt", "ntriples", "n-triples")),
    Format("jsonld", ("application/ld+json", "application/json"), ("jsonld", "json-ld", "json")),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), ("rdfxml", "rdf", "xml")),
)


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges with their q values, e.g. [("text/turtle", 1.0), ("*/*", 0.1)]."""
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching media_type (RFC 9110 section 12.5.1)."""
    kind = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for media, q in ranges:
        if media == media_type:
            rank = 2
        elif media == f"{kind}/*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = q, rank
    return best


def choose(formats: tuple[Format, ...], accept: str | None, params: list[str] | str | None) -> str | None:
    """The format key to answer with, or None if the client accepts none of them.

    `format` parameters (names like "csv" or media types, possibly comma-separated, as
    SPARQLWrapper sends them) override the Accept header; the first one offered wins."""
    wanted = [w.strip().lower() for value in ([params] if isinstance(params, str) else params or [])
              for w in value.split(",") if w.strip()]
    if wanted:
        for name in wanted:
            for fmt in formats:
                if name in fmt.names or name in fmt.media_types:
                    return fmt.key
        return None
    if not accept or not accept.strip():
        return formats[0].key
    ranges = parse_accept(accept)
    best_key, best_q = None, 0.0
    for fmt in formats:
        # Wildcards stand for canonical types only: "text/*" means CSV, not XML as text/xml.
        exact = [q for media, q in ranges if media in fmt.media_types[1:]]
        q = max([_quality(fmt.media_types[0], ranges), *exact])
        if q > best_q:
            best_key, best_q = fmt.key, q
    return best_key
