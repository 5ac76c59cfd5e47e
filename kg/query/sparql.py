"""SPARQL over a build, with newskg's prefixes predeclared, and results as rows or text formats.

The default graph is the union of the build's graphs as a set (each triple once, see
kg.store.layout); `GRAPH ?g { ... }` reads one article's graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.query.results import readable_syntax_error
from kg.query.results import serialize as serialize_results
from kg.store.layout import default_dataset, open_store
from kg.vocab import PREFIXES, sparql_prologue


class QueryError(ValueError):
    """The query does not parse or cannot be evaluated; the message says why."""


@dataclass(frozen=True)
class Table:
    """SELECT results: variable names and rows of compact, human-readable cell values."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def with_prefixes(query: str) -> str:
    return sparql_prologue() + query


def run(build_dir: str | Path, query: str, store: ox.Store | None = None):
    """Evaluate a SPARQL query over the build's default graph; return pyoxigraph results.

    The prefixes are given to the parser, not prepended, so error positions are the query's own."""
    store = store or open_store(build_dir)
    try:
        return store.query(query, prefixes=PREFIXES, **default_dataset(store))
    except SyntaxError as err:
        raise QueryError(f"malformed query: {readable_syntax_error(str(err), query, PREFIXES)}") from err
    except OSError as err:
        raise QueryError(f"query failed: {err}") from err


def compact(term) -> str:
    """A cell for people: prefixed names for IRIs, the lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and term.value[len(ns):].replace("-", "").replace("_", "").isalnum():
                return f"{prefix}:{term.value[len(ns):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(results) -> Table:
    """SELECT or ASK results as a Table (an ASK gives one cell, true or false)."""
    if isinstance(results, ox.QueryBoolean):
        return Table(("answer",), ((str(bool(results)).lower(),),))
    if isinstance(results, ox.QueryTriples):
        rows = tuple((compact(t.subject), compact(t.predicate), compact(t.object)) for t in results)
        return Table(("subject", "predicate", "object"), rows)
    names = tuple(v.value for v in results.variables)
    return Table(names, tuple(tuple(compact(sol[n]) for n in names) for sol in results))


def serialize(results, fmt: str) -> bytes:
    """csv, tsv, json or xml for SELECT/ASK; ttl, nt, jsonld or rdfxml for CONSTRUCT/DESCRIBE.
    QueryError when the format does not fit the results (or is unknown)."""
    try:
        return serialize_results(results, fmt, PREFIXES)
    except ValueError as err:       # a format that does not fit, or an unknown one
        raise QueryError(str(err)) from err
    except OSError as err:
        raise QueryError(f"query failed: {err}") from err
