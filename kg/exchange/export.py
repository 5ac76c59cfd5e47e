"""`kg export`: the build in a standard RDF syntax, as a network for Gephi, or as an event table.

RDF formats are streamed by pyoxigraph from the build's own files (graph.trig for quad formats,
graph.ttl, the deduplicated union of all graphs, for triple formats), falling back to the store
when a file is missing; so a large build is exported in constant memory, and output order is the
build's, which depends on content alone. Quad formats keep each article's named graph. Network
and table formats come from kg.analytics.projection (nodes and edges sorted), so Gephi, CSV and
`kg stats` agree. Equal builds give equal bytes.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pyoxigraph as ox

from kg.analytics.projection import EVENT, participants, project
from kg.store.atomic import atomic_open, atomic_write_bytes
from kg.store.dataset import GRAPH_TRIG, GRAPH_TTL, open_store
from kg.vocab import PREFIXES

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
               "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
               "jsonld": getattr(ox.RdfFormat, "JSON_LD", None)}  # pyoxigraph < 0.5 has no JSON-LD
QUAD_FORMATS = {"trig", "nq", "jsonld"}
FORMATS = (*RDF_FORMATS, "graphml", "gexf", "csv")
EXTENSIONS = {"ttl": ".ttl", "nt": ".nt", "rdfxml": ".rdf", "trig": ".trig", "nq": ".nq",
              "jsonld": ".jsonld", "graphml": ".graphml", "gexf": ".gexf", "csv": ".csv"}
CSV_COLUMNS = ("event_id", "date", "event_type", "cameo_code", "plover", "actor1", "actor2", "place",
               "latitude", "longitude", "source_url", "evidence", "status", "confidence")
LIST_SEPARATOR = "|"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # XML 1.0 Char
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """The export cannot be made (unknown format, unreadable build); the message says why."""


def export(build_dir: str | Path, fmt: str, out: Path | None = None) -> bytes | None:
    """The build in `fmt`; written atomically to `out` (returns None) or returned as bytes."""
    fmt = fmt.lower().replace("-", "")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in RDF_FORMATS:
        if out is None:
            buffer = io.BytesIO()
            write_rdf(build_dir, fmt, buffer)
            return buffer.getvalue()
        with atomic_open(out, "wb") as fh:  # streamed: a large build never sits in memory as bytes
            write_rdf(build_dir, fmt, fh)
        return None
    data = events_csv(project(build_dir)) if fmt == "csv" else network_bytes(project(build_dir), fmt)
    if out is None:
        return data
    atomic_write_bytes(out, data)
    return None


def quad_stream(build_dir: str | Path) -> Iterator[ox.Quad]:
    """Every quad, graph by graph: streamed from graph.trig, else from the store."""
    build = Path(build_dir)
    if (build / GRAPH_TRIG).is_file():
        return ox.parse(path=str(build / GRAPH_TRIG), format=ox.RdfFormat.TRIG)
    store = open_store(build)   # its default graph repeats the named graphs' triples: left out
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    return (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))


def triple_stream(build_dir: str | Path) -> Iterator[ox.Triple]:
    """The union of all graphs, each triple once: graph.ttl (the build's own union), else computed."""
    build = Path(build_dir)
    if (build / GRAPH_TTL).is_file():
        quads = ox.parse(path=str(build / GRAPH_TTL), format=ox.RdfFormat.TURTLE)
    else:  # deduplicate in a scratch store: compact, and ordered by content alone
        scratch = ox.Store()
        scratch.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                            for q in quad_stream(build))
        quads = scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return (ox.Triple(q.subject, q.predicate, q.object) for q in quads)


def write_rdf(build_dir: str | Path, fmt: str, output: BinaryIO) -> None:
    """Serialize the build in an RDF format to a binary file object."""
    prefixes = PREFIXES if fmt in ("ttl", "trig", "rdfxml") else None
    try:
        if RDF_FORMATS[fmt] is None:
            output.write(_rdflib_jsonld(quad_stream(build_dir)))
        elif fmt in QUAD_FORMATS:
            ox.serialize(quad_stream(build_dir), output, RDF_FORMATS[fmt], prefixes=prefixes)
        else:
            ox.serialize(triple_stream(build_dir), output, RDF_FORMATS[fmt], prefixes=prefixes)
    except SyntaxError as err:
        raise ExportError(f"{build_dir}: the build's graph files do not parse ({err}); rebuild it") from err


def _rdflib_jsonld(quads: Iterable[ox.Quad]) -> bytes:
    """JSON-LD with named graphs through rdflib, for pyoxigraph versions that cannot write it."""
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    return dataset.serialize(format="json-ld", sort_keys=True, indent=1).encode("utf-8")


# --- networks -------------------------------------------------------------------------------

def date_span(value: str | None) -> tuple[str, str] | None:
    """An xsd date-ish timestamp as the (first day, last day) it covers: '2020-01' -> Jan 1..31."""
    if not value:
        return None
    match = re.match(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match or value.startswith("-"):
        return None
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    if day:
        date = f"{year:04d}-{month}-{day}"
        return date, date
    if month:
        m = int(month)
        if not 1 <= m <= 12:
            return None
        return f"{year:04d}-{m:02d}-01", f"{year:04d}-{m:02d}-{calendar.monthrange(year, m)[1]:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _scalar(value):
    """A value GraphML and GEXF can hold: lists joined with '|', text XML-safe, None dropped by the caller."""
    if isinstance(value, (list, tuple, set, frozenset)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def flat_network(graph: nx.MultiDiGraph, dynamic: bool) -> nx.MultiDiGraph:
    """A copy with scalar attributes only; with `dynamic`, dated events and their edges get start/end."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None and k != "sentence_start"}
        span = date_span(data.get("date")) if dynamic and data["kind"] == EVENT else None
        if span:
            attrs["start"], attrs["end"] = span
        flat.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: _scalar(val) for k, val in data.items() if val is not None and k != "position"}
        span = date_span(data.get("date")) if dynamic else None
        if span:
            attrs["start"], attrs["end"] = span
        flat.add_edge(u, v, key=_scalar(key), **attrs)  # membership keys hold role titles: article text
    return flat


def network_bytes(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """GraphML or GEXF (1.2, with a date timeline when any event is dated)."""
    flat = flat_network(graph, dynamic=fmt == "gexf")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
        return buffer.getvalue()
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(flat)
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date: drop it so equal builds give equal bytes
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "newskg"
    writer.write(buffer)
    return buffer.getvalue()


# --- event table ----------------------------------------------------------------------------

def _labels(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(graph.nodes[n]["label"] for n in nodes)


def event_rows(graph: nx.MultiDiGraph) -> list[dict[str, str]]:
    """One GDELT/ACLED-like row per event, in event IRI order (see docs/projection.md)."""
    rows = []
    for node, d in graph.nodes(data=True):
        if d["kind"] != EVENT:
            continue
        actor1 = participants(graph, node, "agent") or participants(graph, node, "speaker")
        actor2 = participants(graph, node, "recipient") or participants(graph, node, "patient")
        if not actor2 and len(actor1) > 1:  # symmetric events (meetings, talks): first named vs the rest
            actor1, actor2 = actor1[:1], actor1[1:]
        places = participants(graph, node, "place")
        located = next((graph.nodes[p] for p in places if graph.nodes[p].get("lat") is not None), {})
        rows.append({
            "event_id": node, "date": d.get("date") or "", "event_type": d["class"],
            "cameo_code": d.get("cameo") or "", "plover": d.get("plover") or "",
            "actor1": _cell(_labels(graph, actor1)), "actor2": _cell(_labels(graph, actor2)),
            "place": _cell(_labels(graph, places)),
            "latitude": _coordinate(located.get("lat")), "longitude": _coordinate(located.get("lon")),
            "source_url": d.get("source_url") or "", "evidence": _cell(d.get("evidence") or ""),
            "status": d.get("status") or "",
            "confidence": "" if d.get("confidence") is None else f"{d['confidence']:.2f}",
        })
    return rows


def _cell(text: str) -> str:
    """Article text that a spreadsheet would run as a formula ('=cmd|...') gets a leading quote."""
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.5f}"


def events_csv(graph: nx.MultiDiGraph) -> bytes:
    """The event table as UTF-8 CSV with a header row (RFC 4180 quoting, CRLF line ends)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(event_rows(graph))
    return buffer.getvalue().encode("utf-8")
