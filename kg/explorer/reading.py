"""Reading a built graph for the explorer: the union of its named graphs, property lookups indexed
once, and the evidence sentences and articles a mention span points to. kg.explorer.data decides
what the page shows from these."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import unquote, urlsplit

from rdflib import Dataset, Graph, URIRef

from kg.ontology import ontology_graph
from kg.vocab import NIF, SCHEMA


def union(data: Graph) -> Graph:
    """All triples of every named graph (types live in the merged graph, mentions in article graphs),
    as a read-only view over the same store: copying 100,000s of triples would take longer than the rest."""
    if isinstance(data, Dataset):
        return Dataset(store=data.store, default_union=True)
    if isinstance(data, Graph):  # a Graph, or a ConjunctiveGraph (already the union of its graphs)
        return data
    raise TypeError(f"write_explorer needs an rdflib Dataset or Graph, not {type(data).__name__}")


def local(term) -> str:
    text = unquote(str(term))
    return re.split(r"[#/]", text.rstrip("/#"))[-1] or text


def clean(text) -> str:
    """One line of plain text: article whitespace (newlines, tabs) collapsed."""
    return " ".join(str(text).split())


def words(camel: str) -> str:
    """'SeizureOfPower' -> 'Seizure of power'; 'hasAgent' -> 'agent'."""
    name = re.sub(r"^has(?=[A-Z])", "", camel)
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
    return spaced[:1].upper() + spaced[1:] if name[:1].isupper() else spaced


def web_url(value) -> str | None:
    """The value as an http(s) URL, or None: nothing else may become a link on the page."""
    if value is None:
        return None
    text = str(value)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"[\s\x00-\x1f]", text):
        return None
    return text


def closure(g: Graph, prop: URIRef) -> dict:
    """Every node's ancestors by `prop` (rdfs:subClassOf, rdfs:subPropertyOf), in the ontology and the data."""
    tree = Graph()
    for src in (ontology_graph(), g):
        for triple in src.triples((None, prop, None)):
            tree.add(triple)
    return {child: set(tree.transitive_objects(child, prop)) - {child} for child in set(tree.subjects(prop))}


class Props:
    """``value`` and ``objects`` as rdflib has them, from one pass per property: a lookup in rdflib's
    store costs tens of microseconds, and a 5,000-node page needs hundreds of thousands of them."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self._maps: dict = {}

    def _map(self, prop) -> dict:
        if prop not in self._maps:
            found: dict = defaultdict(list)
            for s, o in self.g.subject_objects(prop):
                found[s].append(o)
            self._maps[prop] = {s: sorted(objs, key=str) for s, objs in found.items()}
        return self._maps[prop]

    def objects(self, subject, prop) -> list:
        return self._map(prop).get(subject, [])

    def value(self, subject, prop):
        """The first value by string order (rdflib's Graph.value picks any)."""
        found = self._map(prop).get(subject)
        return found[0] if found else None


class Reader:
    """Reads spans, sentences and articles, each once."""

    def __init__(self, g: Props) -> None:
        self.g = g
        self.sentences: dict = {}
        self.articles: dict = {}

    def number(self, node, prop) -> int | None:
        value = self.g.value(node, prop)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def article(self, doc) -> None:
        if doc is None or doc in self.articles:
            return
        g = self.g
        title = g.value(doc, SCHEMA.headline)
        date = g.value(doc, SCHEMA.datePublished)
        publisher = g.value(doc, SCHEMA.publisher)
        self.articles[doc] = {
            "id": clean(g.value(doc, SCHEMA.identifier) or local(doc)),
            "title": clean(title) if title else None, "date": str(date)[:10] if date else None,
            "url": web_url(g.value(doc, SCHEMA.url)), "publisher": clean(publisher) if publisher else None}

    def sentence(self, term):
        """Register a sentence; None when it has no text to show."""
        if term not in self.sentences:
            text = self.g.value(term, NIF.anchorOf)
            doc = self.g.value(term, NIF.referenceContext)
            self.article(doc)
            self.sentences[term] = None if text is None else (doc, self.number(term, NIF.beginIndex), str(text))
        return self.sentences[term]

    def locate(self, span) -> tuple | None:
        """(sentence, start, end, article) of a mention span; start/end None when it cannot be placed."""
        g = self.g
        sentence = g.value(span, NIF.sentence)
        own = sentence is None
        sentence = span if own else sentence
        info = self.sentence(sentence)
        if info is None:
            return None
        doc = g.value(span, NIF.referenceContext) or info[0]
        self.article(doc)
        if own:
            return sentence, None, None, doc
        text, anchor = info[2], g.value(span, NIF.anchorOf)
        begin, s_begin = self.number(span, NIF.beginIndex), info[1]
        start = None
        if begin is not None and s_begin is not None and anchor is not None and \
                text[begin - s_begin: begin - s_begin + len(anchor)] == str(anchor):
            start = begin - s_begin
        elif anchor and str(anchor) in text:
            start = text.index(str(anchor))
        return sentence, start, None if start is None else start + len(str(anchor)), doc
