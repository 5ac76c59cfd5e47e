"""`kg export`: the build in a standard RDF syntax, as a network for Gephi, or as an event table.

RDF formats are written by pyoxigraph from graph.trig, the build's lossless record (the Oxigraph
store normalizes some literal datatypes, e.g. xsd:nonNegativeInteger to xsd:integer, so it is only
the fallback when graph.trig is missing). Triple formats get the deduplicated union of all named
graphs; quad formats keep each article's graph. Network and table formats come from
kg.projection, so Gephi, CSV and `kg stats` agree. Output is sorted: equal builds, equal bytes.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.atomic import atomic_write_bytes
from kg.projection import EVENT, participants, project
from kg.store import GRAPH_TRIG, NotABuild, open_store
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
        data = rdf_bytes(build_dir, fmt)
    elif fmt == "csv":
        data = events_csv(project(build_dir))
    else:
        data = network_bytes(project(build_dir), fmt)
    if out is None:
        return data
    atomic_write_bytes(out, data)
    return None


def _order(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def read_quads(build_dir: str | Path) -> list[ox.Quad]:
    """Every quad of the build, sorted: from graph.trig, else from the store."""
    trig = Path(build_dir) / GRAPH_TRIG
    try:
        if trig.is_file():
            quads = set(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
        else:
            quads = set(open_store(build_dir).quads_for_pattern(None, None, None, None))
    except SyntaxError as err:
        raise ExportError(f"{trig}: not valid TriG: {err}") from err
    except NotABuild:
        raise
    return sorted(quads, key=_order)


def rdf_bytes(build_dir: str | Path, fmt: str) -> bytes:
    quads = read_quads(build_dir)
    prefixes = PREFIXES if fmt in ("ttl", "trig", "rdfxml") else None
    if RDF_FORMATS[fmt] is None:
        return _rdflib_jsonld(quads)
    if fmt in QUAD_FORMATS:
        return ox.serialize(quads, format=RDF_FORMATS[fmt], prefixes=prefixes)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)


def _rdflib_jsonld(quads: list[ox.Quad]) -> bytes:
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
