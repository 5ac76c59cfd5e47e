"""`kg build`: the whole road from input files to a build folder, as one library call.

ingest -> spaCy -> extraction -> resolution -> RDF mapping -> store and files -> views and report.
Docs are dropped as soon as their records are extracted, so memory holds records, not parses.
Bad inputs are reported and skipped; the rest of the batch is built; a batch with nothing to
build leaves an existing build untouched.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__
from kg.atomic import atomic_write_text
from kg.extract.entities import find_mentions
from kg.extract.events import find_events
from kg.extract.linking import QuantityFacts, attach, quantity_facts
from kg.extract.quantities import find_quantities
from kg.extract.relations import find_relations
from kg.extract.timex import find_times
from kg.gazetteer import Gazetteer
from kg.ingest import read_inputs
from kg.kinds import coarse_of
from kg.nlp import load_pipeline, model_info
from kg.rdfmap import article_quads, entity_quads
from kg.rdfmap_events import EntityLocator, add_events, add_quantity_facts, add_relations
from kg.records import Alias, Document, EventRecord, InputError, Mention, RelationRecord
from kg.resolve import resolve
from kg.store import EXPLORER_HTML, REPORT_JSON, load_dataset, write_graph_files

Progress = Callable[[int], None]


@dataclass
class ArticleRecords:
    """What one article yields once its Doc is gone: compact records only."""

    doc: Document
    mentions: list[Mention]
    aliases: list[Alias]
    events: list[EventRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    quantities: list[QuantityFacts] = field(default_factory=list)


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[str]
    errors: list[InputError]
    counts: dict
    timings: dict
    report: dict

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.documents)


class NothingToBuild(RuntimeError):
    """Every input failed (or there were none): the existing build, if any, is left as it was."""

    def __init__(self, errors: list[InputError]):
        super().__init__("no article could be read" + (f" ({len(errors)} errors)" if errors else ""))
        self.errors = errors


def extract(docs: Iterable[Document], model: str | None = None, batch_size: int = 32,
            on_article: Progress | None = None) -> Iterator[ArticleRecords]:
    """Parse articles in batches and yield each one's records (the pure extractors' output)."""
    nlp = load_pipeline(model)
    gazetteer = Gazetteer.load()
    pairs = ((d.text, d) for d in docs)
    for parsed, doc in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        records = extract_article(parsed, doc, gazetteer)
        if on_article:
            on_article(1)
        yield records


def extract_article(parsed, doc: Document, gazetteer: Gazetteer) -> ArticleRecords:
    """Every extractor over one parsed article; the Doc can be dropped afterwards."""
    mentions, aliases = find_mentions(parsed, doc.id, gazetteer, doc.skipped)
    times = find_times(parsed, doc.published)
    quantities = [q for q in find_quantities(parsed) if not doc.is_skipped(q.start, q.end)]
    events = attach(parsed, find_events(parsed, doc.id, doc.skipped), times, quantities)
    relations = find_relations(parsed, doc.id, mentions)
    facts = quantity_facts(parsed, quantities, mentions, times)
    return ArticleRecords(doc, mentions, aliases, events, relations, facts)


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, model: str | None = None,
          explorer: bool = True, on_article: Progress | None = None) -> BuildResult:
    """Build the knowledge graph of `inputs` into `out_dir` (graph.ttl, graph.trig, store/, ...)."""
    out = Path(out_dir)
    timings: dict[str, float] = {}
    errors: list[InputError] = []
    inputs = [str(p) for p in inputs]

    def documents() -> Iterator[Document]:
        for item in read_inputs(inputs):
            if isinstance(item, InputError):
                errors.append(item)
            else:
                yield item

    t0 = time.perf_counter()
    articles = list(extract(documents(), model=model, on_article=on_article))
    timings["read_parse_extract"] = time.perf_counter() - t0
    if not articles:
        raise NothingToBuild(errors)

    t = time.perf_counter()
    resolution = resolve((m for a in articles for m in a.mentions),
                         (al for a in articles for al in a.aliases), Gazetteer.load())
    timings["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    quads = list(entity_quads(resolution.entities))
    where = locator(resolution)
    for a in articles:
        graph = article_quads(a.doc, a.mentions, resolution.entity_of)
        add_events(graph, a.events, where)
        add_relations(graph, a.relations, where)
        add_quantity_facts(graph, a.quantities, where)
        quads.extend(graph.quads)
    timings["map"] = time.perf_counter() - t

    t = time.perf_counter()
    counts = write_graph_files(out, quads)
    timings["write"] = time.perf_counter() - t

    if explorer:
        t = time.perf_counter()
        from kg.explorer import write_explorer

        write_explorer(load_dataset(out), out / EXPLORER_HTML)
        timings["explorer"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    counts.update(_entity_counts(resolution.entities, articles))
    report = _report(inputs, articles, errors, counts, timings, resolution, model)
    atomic_write_text(out / REPORT_JSON, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return BuildResult(out, [a.doc.id for a in articles], errors, counts, timings, report)


def locator(resolution) -> EntityLocator:
    """Find entities by span; capitals acting stand for their country, when that country is known."""
    gazetteer = Gazetteer.load()
    keys = {e.key for e in resolution.entities}
    metonyms = {}
    for e in resolution.entities:
        entry = gazetteer.get(e.key)
        if entry is not None and entry.kind == "City" and entry.capital and entry.country:
            country = f"country/{entry.country.lower()}"
            if country in keys:
                metonyms[e.key] = country
    places = frozenset(e.key for e in resolution.entities if coarse_of(e.kind) == "Place")
    return EntityLocator(resolution.entity_of, {e.key: e.label for e in resolution.entities}, metonyms, places)


def _entity_counts(entities, articles) -> dict:
    return {"articles": len(articles),
            "mentions": sum(len(a.mentions) for a in articles),
            "events": sum(len(a.events) for a in articles),
            "relations": sum(len(a.relations) for a in articles),
            "quantities": sum(len(a.quantities) for a in articles),
            "entities": len(entities),
            "entities_by_class": dict(sorted(Counter(e.kind for e in entities).items()))}


def _report(inputs, articles, errors, counts, timings, resolution, model) -> dict:
    words = sum(len(a.doc.text.split()) for a in articles)
    return {
        "newskg": __version__,
        "model": model_info(load_pipeline(model)),
        "inputs": inputs,
        "articles": [{"id": a.doc.id, "source": a.doc.source, "sha256": a.doc.content_hash,
                      "characters": len(a.doc.text), "mentions": len(a.mentions)} for a in articles],
        "errors": [{"source": e.source, "reason": e.reason} for e in errors],
        "counts": counts,
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "words_per_second": round(words / timings["read_parse_extract"], 1) if words else None,
        "merge_log": [{"entity": s.entity, "doc": s.doc_id, "start": s.start, "end": s.end,
                       "text": s.text, "reason": s.reason} for s in resolution.merge_log],
    }
