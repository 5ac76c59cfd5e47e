"""Query results as text: the formats, listed once, and parser errors people can read.

`kg query` and the endpoint's workers both read these tables, so a format name means the same
everywhere and an unknown one is an error, never a silent fallback. pyoxigraph only (no rdflib):
query workers import this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class ResultsFormat:
    name: str
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    for_triples: bool            # CONSTRUCT/DESCRIBE results (an RDF syntax), else SELECT/ASK

    @property
    def media_type(self) -> str:
        return self.oxigraph.media_type


FORMATS = {f.name: f for f in (
    ResultsFormat("json", ox.QueryResultsFormat.JSON, False),
    ResultsFormat("xml", ox.QueryResultsFormat.XML, False),
    ResultsFormat("csv", ox.QueryResultsFormat.CSV, False),
    ResultsFormat("tsv", ox.QueryResultsFormat.TSV, False),
    ResultsFormat("ttl", ox.RdfFormat.TURTLE, True),
    ResultsFormat("nt", ox.RdfFormat.N_TRIPLES, True),
    ResultsFormat("jsonld", ox.RdfFormat.JSON_LD, True),
    ResultsFormat("rdfxml", ox.RdfFormat.RDF_XML, True),
)}
SOLUTION_FORMATS = tuple(n for n, f in FORMATS.items() if not f.for_triples)
TRIPLE_FORMATS = tuple(n for n, f in FORMATS.items() if f.for_triples)


class FormatMismatch(ValueError):
    """A SELECT/ASK asked for in an RDF syntax, or a CONSTRUCT/DESCRIBE in a results format."""


def results_format(name: str) -> ResultsFormat:
    """The format called `name`; ValueError naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None


def serialize(results, name: str, prefixes: dict[str, str] | None = None) -> bytes:
    """SELECT/ASK results in json, xml, csv or tsv; CONSTRUCT/DESCRIBE triples in ttl, nt,
    jsonld or rdfxml (with `prefixes` where the syntax has them). FormatMismatch otherwise."""
    fmt = results_format(name)
    triples = isinstance(results, ox.QueryTriples)
    if triples != fmt.for_triples:
        wanted = TRIPLE_FORMATS if triples else SOLUTION_FORMATS
        form = "CONSTRUCT/DESCRIBE gives triples" if triples else "SELECT/ASK gives solutions"
        raise FormatMismatch(f"{form}, which {name} cannot hold: use {', '.join(wanted)}")
    if triples:
        keep = None if fmt.oxigraph == ox.RdfFormat.N_TRIPLES else prefixes
        return ox.serialize(results, format=fmt.oxigraph, prefixes=keep) or b""
    return results.serialize(format=fmt.oxigraph)


# --- parser errors ------------------------------------------------------------------------------
_POSITION = re.compile(r"error at (\d+):(\d+)")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%\\-]*$")
_KEYWORD = re.compile(r"\b[A-Z][A-Z_]{2,}\b")


def readable_syntax_error(message: str, query: str, prefixes: dict[str, str] | None = None) -> str:
    """Oxigraph's parser message, short: an unknown prefix is named, and a long list of expected
    characters is cut to the keywords it holds."""
    message = " ".join(message.split())
    position = _POSITION.search(message)
    where = position.group(0) if position else "error"
    if "Prefix not found" in message and position:
        name = _prefix_before(query, int(position.group(1)), int(position.group(2)))
        if name is not None:
            known = ", ".join(sorted(prefixes or {})) or "none"
            return (f"{where}: unknown prefix '{name}:'; declare it with PREFIX {name}: <...> "
                    f"(predeclared: {known})")
    if len(message) <= 160:
        return message
    keywords = [k for k in dict.fromkeys(_KEYWORD.findall(message.split("expected", 1)[-1]))]
    expected = f"expected {', '.join(keywords)} or another term" if keywords else "unexpected text"
    return f"{where}: {expected}"


def _prefix_before(query: str, line: int, column: int) -> str | None:
    """The prefix of the prefixed name that ends just before line:column (1-based)."""
    lines = query.splitlines()
    if not 1 <= line <= len(lines):
        return None
    found = _PREFIXED.search(lines[line - 1][:max(column - 1, 0)])
    return found.group(1) or "" if found else None
