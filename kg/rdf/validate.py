"""Check a built graph against the SHACL shapes of ontology/shapes.ttl.

A build is only as trustworthy as its evidence: every entity must have mentions, every mention
must slice its article's text exactly, every event must say how sure and how real it is. This
module runs pyshacl with the ontology mixed in and RDFS inference (so shapes that target kg:Place
also reach kg:Country ...) and turns the result into a small, sorted, deterministic report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, SH
from rdflib.paths import Path as RDFPath

from kg.ontology import ontology_graph, shapes_graph
from kg.vocab import NIF, PREFIXES

_SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}
_SPAN_CLASSES = (NIF.Phrase, NIF.Sentence, NIF.OffsetBasedString)
_MAX_LINE = 400  # characters of a report line; longer ones (quoted article text) are cut


class Violation(NamedTuple):
    """One SHACL result: the node, the property path, what is wrong, and how bad."""

    focus: str
    path: str
    message: str
    severity: str  # "Violation" | "Warning" | "Info"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`. Warnings and infos do not break ``conforms``."""

    conforms: bool
    violations: tuple[Violation, ...]

    def count(self, severity: str = "Violation") -> int:
        return sum(1 for v in self.violations if v.severity == severity)

    def text(self) -> str:
        """A readable report, one line per result, article text escaped and shortened."""
        head = (
            f"conforms: {'yes' if self.conforms else 'no'} "
            f"({self.count('Violation')} violations, {self.count('Warning')} warnings, "
            f"{self.count('Info')} infos)"
        )
        lines = [head]
        for v in self.violations:
            where = f"{v.focus} {v.path}".rstrip()
            lines.append(f"{v.severity:<9} {_escape(where)}: {_escape(v.message)}")
        return "\n".join(lines) + "\n"


def validate(data: Graph | Dataset, *, rdfs_inference: bool = True) -> ValidationReport:
    """Validate a graph, or the union of all graphs of a Dataset, against the packaged shapes,
    plus :func:`check_anchors`. RDFS inference also types nodes by the ontology's domains and
    ranges (a node with a kg:status is checked as an event); turning it off is about twice as fast on
    large builds, and subclass targets still work because the ontology is mixed in."""
    union = union_graph(data)
    _conforms, results_graph, _text = pyshacl.validate(
        union,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="rdfs" if rdfs_inference else "none",
        allow_warnings=True,
        allow_infos=True,
    )
    found = set(_read_results(results_graph, union)) | set(check_anchors(union))
    violations = tuple(sorted(found, key=_sort_key))
    conforms = not any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms=conforms, violations=violations)


def check_anchors(data: Graph | Dataset) -> tuple[Violation, ...]:
    """Every span's nif:anchorOf must equal its article's nif:isString[begin:end].

    The same check as the (deactivated) SPARQL shape kgsh:AnchorShape, in one pass: pyshacl
    runs SPARQL constraints once per node, minutes on a few thousand mentions. Spans with missing
    or mistyped offsets are left to the shapes, which report them.
    """
    graph = union_graph(data)
    namer = _Namer(graph)
    spans = {s for cls in _SPAN_CLASSES for s in graph.subjects(RDF.type, cls)}
    found: list[Violation] = []
    for span in spans:
        begin, end = _offset(graph, span, NIF.beginIndex), _offset(graph, span, NIF.endIndex)
        anchor = graph.value(span, NIF.anchorOf)
        context = graph.value(span, NIF.referenceContext)
        text = graph.value(context, NIF.isString) if context is not None else None
        if begin is None or end is None or anchor is None or text is None or begin >= end:
            continue
        text = str(text)
        if end > len(text):
            message = f"offsets {begin},{end} lie outside the article text ({len(text)} characters)"
        elif text[begin:end] != str(anchor):
            message = (
                f"nif:anchorOf {str(anchor)!r} differs from the article text at {begin},{end}: "
                f"{text[begin:end]!r}"
            )
        else:
            continue
        found.append(Violation(namer.node(span), "nif:anchorOf", message, "Violation"))
    return tuple(sorted(found, key=_sort_key))


def _offset(graph: Graph, span: object, prop: URIRef) -> int | None:
    value = graph.value(span, prop)
    if not isinstance(value, Literal):
        return None
    number = value.toPython()
    return number if isinstance(number, int) and not isinstance(number, bool) and number >= 0 else None


def _sort_key(v: Violation) -> tuple:
    return (_SEVERITY_RANK.get(v.severity, 9), v.focus, v.path, v.message)


def union_graph(data: Graph | Dataset) -> Graph:
    """All triples of a Dataset's graphs (default and named) in one plain Graph; a Graph as is."""
    if isinstance(data, (Dataset, ConjunctiveGraph)):
        union = Graph()
        for prefix, namespace in data.namespaces():
            union.bind(prefix, namespace, override=False)
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    if isinstance(data, Graph):
        return data
    raise TypeError(f"validate() needs an rdflib Graph or Dataset, not {type(data).__name__}")


def _read_results(results: Graph, data: Graph) -> tuple[Violation, ...]:
    namer = _Namer(data)
    found: set[Violation] = set()
    for result in results.objects(None, SH.result):  # top-level results, not nested sh:detail
        severity = results.value(result, SH.resultSeverity)
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        found.add(
            Violation(
                focus=namer.node(focus),
                path=namer.path(results, path),
                message=str(message) if message is not None else "",
                severity=str(severity).rsplit("#", 1)[-1],
            )
        )
    return tuple(sorted(found, key=_sort_key))


class _Namer:
    """Short, stable names for nodes and paths: prefixed IRIs, and blank nodes by what points at them."""

    def __init__(self, data: Graph) -> None:
        self._data = data
        self._prefixes = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))

    def iri(self, iri: URIRef) -> str:
        text = str(iri)
        for prefix, namespace in self._prefixes:
            if text.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", text[len(namespace):]):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"

    def node(self, node: object, depth: int = 0) -> str:
        if node is None:
            return ""
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, BNode):
            # Blank node ids change between runs: name one by a link that points at it instead.
            incoming = list(self._data.subject_predicates(node))
            named = sorted((self.iri(s), self.iri(p)) for s, p in incoming if isinstance(s, URIRef))
            if named:
                return f"[{named[0][0]} {named[0][1]}]"
            if incoming and depth < 3:
                links = sorted(f"[{self.node(s, depth + 1)} {self.iri(p)}]" for s, p in incoming)
                return links[0]
            return "[]"
        if isinstance(node, Literal):
            return repr(str(node))
        return str(node)

    def path(self, results: Graph, path: object) -> str:
        if path is None:
            return ""
        if isinstance(path, URIRef):
            return self.iri(path)
        if isinstance(path, RDFPath):
            return str(path)
        if isinstance(path, BNode):
            return self._complex_path(results, path)
        return str(path)

    def _complex_path(self, results: Graph, node: BNode) -> str:
        """SHACL list and alternative paths, written in SPARQL property-path syntax."""
        alternatives = results.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self._steps(results, alternatives)) + ")"
        if results.value(node, RDF.first) is not None:
            return "/".join(self._steps(results, node))
        return "(path)"

    def _steps(self, results: Graph, head: object) -> list[str]:
        return [self.path(results, step) for step in Collection(results, head)]


def _escape(text: str) -> str:
    """Control characters escaped, long values cut: article text is untrusted."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return text if len(text) <= _MAX_LINE else text[: _MAX_LINE - 1] + "…"
